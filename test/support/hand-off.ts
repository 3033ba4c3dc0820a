// A live message handed off to its (fake) provider: stored, run through the
// queue consumer, now `sent`. Fake providers must be registered first.
import { env } from "cloudflare:workers";
import type { NewMessageRow } from "../../src/db/message-schema.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import type { Receipt } from "../../src/providers/provider.ts";
import { createAccount, type TestAccount } from "./accounts.ts";
import { runConsumer, storeMessage } from "./queue.ts";

const SAMPLES = {
  sms: { to: "+14155550123", from: "+14155550100", rendered: { channel: "sms", text: "hi" } },
  whatsapp: { to: "+919876543210", from: "+14155550100", rendered: { channel: "whatsapp", type: "text", text: "hi" } },
  email: { to: "ana@example.com", from: "noreply@acme.example", rendered: { channel: "email", subject: "Hi", text: "hi" } },
} as const;

export async function handedOff(channel: keyof typeof SAMPLES = "sms", overrides: Partial<NewMessageRow> = {}, account?: TestAccount) {
  const owner = account ?? (await createAccount("live"));
  const id = await storeMessage(owner, { channel, ...SAMPLES[channel], ...overrides });
  await runConsumer([id]);
  const stub = messageStatusStub(env, id);
  const attempt = (await stub.events()).find((event) => event.type === "provider.attempt")!;
  const providerMessageId = attempt.data.provider_message_id as string;
  /** A verified provider report about this message, as a receipt endpoint would pass it on. */
  const report = (status: Receipt["status"], extra: Partial<Receipt> = {}) =>
    stub.receipt({ provider: "twilio", messageId: id, providerMessageId, status, detail: `status=${status}`, ...extra });
  return { account: owner, id, stub, providerMessageId, report };
}
