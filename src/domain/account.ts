// The account: whose keys, messages, templates and senders they are, in which
// mode, with which webhook signing secret and limits.

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
}
