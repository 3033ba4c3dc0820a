import type { RouteHandler } from "@hono/zod-openapi";
import { generateWebhookSecret } from "../../auth/api-key.ts";
import { rollWebhookSecret as roll } from "../../db/accounts.ts";
import { database } from "../../db/client.ts";
import { unixSeconds } from "../../domain/ids.ts";
import type { AppEnv } from "../../http/context.ts";
import type { retrieveAccount, rollWebhookSecret } from "./account.routes.ts";
import type { Account } from "../../domain/account.ts";

/** How long the old secret keeps signing after a roll. */
export const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

function toAccountObject(account: Account) {
  const overlapEnds = account.previousWebhookSecretExpiresAt;
  return {
    id: account.id,
    object: "account" as const,
    name: account.name,
    mode: account.mode,
    webhook_signing_secret: account.webhookSecret,
    previous_webhook_signing_secret_expires_at: overlapEnds !== null && overlapEnds > unixSeconds() ? overlapEnds : null,
    created_at: account.createdAt,
  };
}

export const retrieveHandler: RouteHandler<typeof retrieveAccount, AppEnv> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollHandler: RouteHandler<typeof rollWebhookSecret, AppEnv> = async (c) => {
  const updated = await roll(database(c.env.DB), c.get("account"), generateWebhookSecret(), unixSeconds() + SECRET_OVERLAP_SECONDS);
  return c.json(toAccountObject(updated), 200);
};
