// A live message handed off to its (fake) provider: stored, run through the
// queue consumer, now `sent`, its callback's first attempt (if it has a
// status_callback) ended. Fake providers must be registered first.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { NewMessageRow } from "../../src/db/message-schema.ts";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import type { WebhookOutbox } from "../../src/delivery/webhook-outbox.ts";
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
  if (overrides.statusCallback) await callbackSettled(id);
  const attempt = (await stub.events()).find((event) => event.type === "provider.attempt")!;
  const providerMessageId = attempt.data.provider_message_id as string;
  /** A verified provider report about this message, as a receipt endpoint would pass it on. */
  const report = (status: Receipt["status"], extra: Partial<Receipt> = {}) =>
    stub.receipt({ provider: "twilio", messageId: id, providerMessageId, status, detail: `status=${status}`, ...extra });
  return { account: owner, id, stub, providerMessageId, report };
}

/**
 * Returns once the message's object has no status_callback attempt waiting for its answer: the consumer acks a
 * hand-off without waiting for its callback's first attempt (src/delivery/status-change.ts), which then goes on.
 */
export async function callbackSettled(id: string): Promise<void> {
  const inFlight = () =>
    runInDurableObject(messageStatusStub(env, id), (instance: MessageStatus) => (instance as unknown as { outbox: WebhookOutbox }).outbox.attemptInFlight);
  await expect.poll(inFlight, { timeout: 5_000, interval: 5 }).toBe(false);
}
