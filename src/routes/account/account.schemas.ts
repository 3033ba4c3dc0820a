import { z } from "@hono/zod-openapi";
import { RETENTION_DAYS } from "../../domain/retention.ts";
import { spendLimitsSchema, usageAlertsSchema } from "../../domain/spend.ts";
import { PREFIX_LIMIT } from "../../domain/verification-guard.ts";
import { wholeNumber } from "../../domain/whole-number.ts";

/** A per-recipient limit above this would not limit anything a pumping attack needs. */
const RECIPIENT_LIMIT_MAX = 10_000;

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: "acct_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" }),
    object: z.literal("account"),
    name: z.string(),
    mode: z.enum(["test", "live"]),
    webhook_signing_secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
    previous_webhook_signing_secret_expires_at: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "After a roll, the old secret also signs until this time (Unix seconds)" }),
    inbound_callback: z
      .string()
      .nullable()
      .openapi({ description: "Where inbound messages are posted as message.received events (set with POST /v1/account)", example: null }),
    created_at: z.number().int(),
    recipient_limits: z.object({
      per_hour: z.number().int().nullable().openapi({ description: "Messages per recipient per hour; null: no limit", example: 10 }),
    }),
    retention_days: z.number().int().openapi({ description: "Messages older than this are deleted with their content and events", example: 400 }),
    spend_limits: z
      .object({
        daily: z.string().nullable().openapi({ description: "Most the account may spend per UTC day (4 decimal places); null: no limit", example: "50.0000" }),
        monthly: z.string().nullable().openapi({ description: "Most the account may spend per UTC month; null: no limit", example: null }),
      })
      .openapi({ description: "In the currency of the account's prices: a create whose estimated price would pass one is a 402 spend_limit_reached" }),
    usage_alerts: z
      .array(z.object({ threshold: z.string().openapi({ example: "100.0000" }), window: z.enum(["day", "month"]), url: z.string() }))
      .openapi({ description: "Each posts one usage.threshold_reached event per window, when the window's spend reaches its threshold" }),
    verification_limits: z.object({
      per_prefix_per_hour: z
        .number()
        .int()
        .openapi({ description: "Verifications per destination prefix (the number without its last 4 digits) per hour", example: 30 }),
    }),
  })
  .openapi("Account");

/** A roll takes no parameters; one sent anyway (a misspelled option, say) is refused, not ignored. */
export const RollSecretSchema = z.object({}).strict();

/** The body of POST /v1/account: the settings given change, the others stay. */
export const UpdateAccountSchema = z.strictObject({
  inbound_callback: z.string().max(2048).optional().openapi({
    description:
      "Where inbound messages are posted (message.received, signed like status callbacks); the same URL rules as status_callback. An empty string removes it.",
    example: "https://your-app.com/webhooks/omniflow/inbound",
  }),
  recipient_limits: z
    .strictObject({
      // null (or "" in a form body, which cannot say null) turns the limit off.
      per_hour: z.preprocess((value) => (value === "" ? null : value), wholeNumber(1, RECIPIENT_LIMIT_MAX).nullable()),
    })
    .optional()
    .openapi({ description: "Messages per recipient (phone number or email address) per hour; null turns the limit off (the default)" }),
  spend_limits: spendLimitsSchema.optional(),
  usage_alerts: usageAlertsSchema(z.string().min(1).max(2048)).optional(),
  retention_days: wholeNumber(RETENTION_DAYS.min, RETENTION_DAYS.max)
    .optional()
    .openapi({ description: `Days messages are kept (${RETENTION_DAYS.min}-${RETENTION_DAYS.max}, default ${RETENTION_DAYS.default})` }),
  verification_limits: z
    .strictObject({
      // null (or "" in a form body) goes back to the default.
      per_prefix_per_hour: z.preprocess((value) => (value === "" ? null : value), wholeNumber(PREFIX_LIMIT.min, PREFIX_LIMIT.max).nullable()),
    })
    .optional()
    .openapi({
      description: `Verifications per destination prefix (a phone number without its last 4 digits) per hour (${PREFIX_LIMIT.min}-${PREFIX_LIMIT.max}, default ${PREFIX_LIMIT.default}); past it a create is a 429 verification_prefix_blocked. null: the default`,
    }),
});
