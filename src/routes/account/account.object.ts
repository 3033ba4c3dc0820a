// The account object of the API, from the account a key belongs to.
import type { Account } from "../../domain/account.ts";
import { unixSeconds } from "../../domain/ids.ts";
import { retentionDays } from "../../domain/retention.ts";
import { spendObject } from "../../domain/spend.ts";
import { PREFIX_LIMIT } from "../../domain/verification-guard.ts";

export function toAccountObject(account: Account) {
  const overlapEnds = account.previousWebhookSecretExpiresAt;
  return {
    id: account.id,
    object: "account" as const,
    name: account.name,
    mode: account.mode,
    webhook_signing_secret: account.webhookSecret,
    previous_webhook_signing_secret_expires_at: overlapEnds !== null && overlapEnds > unixSeconds() ? overlapEnds : null,
    inbound_callback: account.inboundCallback,
    created_at: account.createdAt,
    recipient_limits: { per_hour: account.recipientLimitPerHour },
    retention_days: retentionDays(account),
    ...spendObject(account),
    verification_limits: { per_prefix_per_hour: account.verificationPrefixLimitPerHour ?? PREFIX_LIMIT.default },
  };
}
