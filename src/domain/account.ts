// The account: whose keys, messages, templates and senders they are, in which
// mode, with which webhook signing secret and limits.
import type { BlockableNumberType, GeoOverrides } from "./geo.ts";
import type { Placement } from "./placement.ts";
import type { UsageAlert } from "./spend.ts";

/** Test accounts send through the sandbox; live accounts through the providers. */
export type Mode = "test" | "live";

export interface Account {
  id: string;
  name: string;
  mode: Mode;
  webhookSecret: string;
  /** After a roll, the old secret keeps signing (beside the new one) until it expires. */
  previousWebhookSecret: string | null;
  previousWebhookSecretExpiresAt: number | null;
  createdAt: number;
  /** Overrides of the defaults in limits.ts (null: the default). */
  rateLimitRps: number | null;
  dailyMessageLimit: number | null;
  /** Where inbound messages are posted (message.received), or null. */
  inboundCallback: string | null;
  /** Country permissions that differ from the defaults (geo.ts), and number types the operator allowed. */
  geoPermissions: GeoOverrides | null;
  allowedNumberTypes: BlockableNumberType[] | null;
  /** Messages per recipient per hour (null: no limit). */
  recipientLimitPerHour: number | null;
  /** Days messages are kept (null: the default in retention.ts). */
  retentionDays: number | null;
  /** Verifications per destination prefix per hour (null: the default in verification-guard.ts). */
  verificationPrefixLimitPerHour: number | null;
  /** The message databases that hold and take its messages (null: shard 0 alone). */
  placement: Placement | null;
  /** Spend limits per UTC day and month, in ten-thousandths of the account's currency (null: none), and usage alerts (spend.ts). */
  spendLimitDaily: number | null;
  spendLimitMonthly: number | null;
  usageAlerts: UsageAlert[] | null;
}
