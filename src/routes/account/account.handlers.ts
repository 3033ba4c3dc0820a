import { validBody } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret, updateInboundCallback } from "../../services/account.ts";
import { changeAccountSettings } from "../../services/account-settings.ts";
import { toAccountObject } from "./account.object.ts";
import type * as routes from "./account.routes.ts";
import { RollSecretSchema, UpdateAccountSchema } from "./account.schemas.ts";

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  await validBody(c, RollSecretSchema);
  const updated = await rollSigningSecret(c.env, c.get("account"));
  return c.json(toAccountObject(updated), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const input = await validBody(c, UpdateAccountSchema);
  let account = c.get("account");
  if (input.inbound_callback !== undefined) {
    const result = await updateInboundCallback(c.env, account, input.inbound_callback);
    if (!result.ok) throw errors.problem(result.problem);
    account = result.value;
  }
  const updated = await changeAccountSettings(c.env, account, {
    ...(input.recipient_limits ? { recipientLimitPerHour: input.recipient_limits.per_hour } : {}),
    ...(input.retention_days === undefined ? {} : { retentionDays: input.retention_days }),
  });
  return c.json(toAccountObject(updated), 200);
};
