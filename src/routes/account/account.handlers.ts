import type { Account } from "../../domain/account.ts";
import { unixSeconds } from "../../domain/ids.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret } from "../../services/account.ts";
import type * as routes from "./account.routes.ts";

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

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  const updated = await rollSigningSecret(c.env, c.get("account"));
  return c.json(toAccountObject(updated), 200);
};
