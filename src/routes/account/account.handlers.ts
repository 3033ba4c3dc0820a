import { validBody } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret } from "../../services/account.ts";
import { changeAccountSettings } from "../../services/account-settings.ts";
import { toAccountObject } from "./account.object.ts";
import type * as routes from "./account.routes.ts";
import { RollSecretSchema, UpdateAccountSchema } from "./account.schemas.ts";

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  await validBody(c, RollSecretSchema);
  const updated = await rollSigningSecret(c.env, c.var.control, c.get("account"));
  return c.json(toAccountObject(updated), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const input = await validBody(c, UpdateAccountSchema);
  const result = await changeAccountSettings(c.var.control, c.get("account"), {
    ...(input.inbound_callback === undefined ? {} : { inboundCallback: input.inbound_callback }),
    ...(input.recipient_limits ? { recipientLimitPerHour: input.recipient_limits.per_hour } : {}),
    ...(input.retention_days === undefined ? {} : { retentionDays: input.retention_days }),
  });
  if (!result.ok) throw errors.problem(result.problem);
  return c.json(toAccountObject(result.value), 200);
};
