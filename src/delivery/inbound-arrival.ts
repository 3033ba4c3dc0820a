// An inbound message's own Durable Object announces it: the message.received
// event goes to the account's inbound_callback (stored as the message's
// status_callback) through the same outbox as status callbacks, so it is
// signed, retried on the same schedule, listed in the message's events and
// resendable with POST /v1/messages/:id/webhook/retry.
import { type Message, toMessageObject } from "../domain/message.ts";
import { initialState, type SigningSecrets } from "./delivery-state.ts";
import { INLINE_SAFETY_MS } from "./handoff-rules.ts";
import { endpointSubscriptions } from "./message-load.ts";
import type { MessageStore } from "./message-store.ts";
import type { WebhookOutbox } from "./webhook-outbox.ts";

/** Stores the message's state and its message.received event, and makes the callback's first attempt. Once per message. */
export async function announceReceived(
  env: Env,
  store: MessageStore,
  outbox: WebhookOutbox,
  storage: DurableObjectStorage,
  message: Message,
  signing: SigningSecrets | null,
): Promise<void> {
  // A retried call finds the state stored: the event exists already.
  if (store.state()) return;
  const endpoints = await endpointSubscriptions(env, message.accountId);
  // The gate's answer let other calls in: a retried call may have stored the event meanwhile.
  if (store.state()) return;
  const state = initialState(message, null, endpoints);
  const now = Date.now();
  const webhook = outbox.event(state, toMessageObject(message), now, "message.received", null);
  store.commit(state, [{ type: "message.received", data: { status: "received", source: "inbound" }, at: now, webhook }]);
  // The alarm picks the attempt up if this object dies during it.
  if (webhook) await storage.setAlarm(now + INLINE_SAFETY_MS);
  await outbox.sendAfterChange(webhook, signing);
}
