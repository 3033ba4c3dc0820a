// A message's event log as the API shows it: its creation (from D1), then
// everything its Durable Object recorded.
import { messageStatusStub } from "../delivery/message-status.ts";
import type { Message } from "../domain/message.ts";

export async function messageEvents(env: Env, message: Message) {
  const stored = await messageStatusStub(env, message.id).events();
  const created = { at: message.createdAt * 1000, type: "message.created", data: { status: "queued", source: "api" } };
  return [created, ...stored].map((event) => ({
    object: "message_event" as const,
    type: event.type,
    created_at: Math.floor(event.at / 1000),
    created_at_ms: event.at,
    data: event.data,
  }));
}
