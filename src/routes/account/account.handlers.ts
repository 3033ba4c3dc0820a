import { validBody } from "../../http/body.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret } from "../../services/account.ts";
import { toAccountObject } from "./account.object.ts";
import type * as routes from "./account.routes.ts";
import { RollSecretSchema } from "./account.schemas.ts";

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  await validBody(c, RollSecretSchema);
  const updated = await rollSigningSecret(c.env, c.get("account"));
  return c.json(toAccountObject(updated), 200);
};
