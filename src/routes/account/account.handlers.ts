import { generateWebhookSecret } from "../../auth/api-key.ts";
import { rollWebhookSecret } from "../../db/accounts.ts";
import { database } from "../../db/client.ts";
import { unixSeconds } from "../../domain/ids.ts";
import { tellGate } from "../../gate/account-gate.ts";
import { validBody } from "../../http/body.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { toAccountObject } from "./account.object.ts";
import type * as routes from "./account.routes.ts";
import { RollSecretSchema } from "./account.schemas.ts";

/** How long the old secret keeps signing after a roll. */
const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  await validBody(c, RollSecretSchema);
  const updated = await rollWebhookSecret(database(c.env.DB), c.get("account"), generateWebhookSecret(), unixSeconds() + SECRET_OVERLAP_SECONDS);
  // The gate holds the account (its secret is what GET /v1/account answers).
  await tellGate(c.env, updated.id, { account: true });
  return c.json(toAccountObject(updated), 200);
};
