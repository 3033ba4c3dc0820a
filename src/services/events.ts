// A message's event log as the API shows it: its creation (from D1), then
// everything its Durable Object recorded.
import { messageStatusStub } from "../delivery/message-status.ts";
import type { Message } from "../domain/message.ts";
import { fail, type Result, succeed } from "../domain/result.ts";

export async function messageEvents(env: Env, message: Message) {
  const stored = await messageStatusStub(env, message.id).events();
  // An inbound message's object logs its arrival itself (message.received).
  const created =
    message.direction === "inbound"
      ? []
      : [{ at: message.createdAt * 1000, type: "message.created", data: { status: message.sendAt === null ? "queued" : "scheduled", source: "api" } }];
  return [...created, ...stored].map((event) => ({
    object: "message_event" as const,
    type: event.type,
    created_at: Math.floor(event.at / 1000),
    created_at_ms: event.at,
    data: event.data,
  }));
}

/** Re-queues the message's abandoned status callbacks; a problem when there is none to resend. */
export async function retryWebhooks(env: Env, message: Message, source: string): Promise<Result<number>> {
  if (!message.statusCallback) return fail("id", "webhook_not_abandoned", "This message has no status_callback, so there is no webhook to resend.");
  const requeued = await messageStatusStub(env, message.id).retryWebhooks(source);
  if (requeued === 0) {
    return fail(
      "id",
      "webhook_not_abandoned",
      "No status callback of this message was abandoned: each was delivered, is still being retried, or was refused with 410 Gone.",
    );
  }
  return succeed(requeued);
}
