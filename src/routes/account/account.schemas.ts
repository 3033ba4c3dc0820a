import { z } from "@hono/zod-openapi";

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
  })
  .openapi("Account");

/** A roll takes no parameters; one sent anyway (a misspelled option, say) is refused, not ignored. */
export const RollSecretSchema = z.object({}).strict();

/** POST /v1/account: what an account may change about itself. */
export const UpdateAccountSchema = z
  .object({
    inbound_callback: z.string().max(2048).openapi({
      description:
        "Where inbound messages are posted (message.received, signed like status callbacks); the same URL rules as status_callback. An empty string removes it.",
      example: "https://your-app.com/webhooks/omniflow/inbound",
    }),
  })
  .partial()
  .strict();
