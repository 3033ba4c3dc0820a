// A message's delivery state as its Durable Object first reads it from D1:
// the row, its account's webhook signing secrets and its sender's provider
// id, in one read.
import { database } from "../db/client.ts";
import { messageForDelivery } from "../db/messages.ts";
import { logger } from "../log.ts";
import { type DeliveryState, initialState, type MessageStore } from "./message-store.ts";

/** The state stored already, or the one read from D1 (not stored: the first change stores it); null without a row. */
export async function loadState(env: Env, store: MessageStore, messageId: string): Promise<DeliveryState | null> {
  const row = await messageForDelivery(database(env.CONTROL_DB), messageId);
  if (!row) {
    logger.with({ message_id: messageId }).warn("delivery_for_unknown_message");
    return null;
  }
  // Another request may have stored the state while this one read D1.
  const { signing } = row;
  const secrets = signing?.webhookSecret ? { ...signing, webhookSecret: signing.webhookSecret, readAt: Date.now() } : null;
  return store.state() ?? initialState(row.message, secrets, row.fromId);
}
