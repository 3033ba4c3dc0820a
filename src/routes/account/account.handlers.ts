import { validBody } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret, updateInboundCallback } from "../../services/account.ts";
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
  const { inbound_callback: inboundCallback } = await validBody(c, UpdateAccountSchema);
  if (inboundCallback === undefined) return c.json(toAccountObject(c.get("account")), 200);
  const result = await updateInboundCallback(c.env, c.get("account"), inboundCallback);
  if (!result.ok) throw errors.problem(result.problem);
  return c.json(toAccountObject(result.value), 200);
};
