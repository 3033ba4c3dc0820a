// A message's delivery state as its Durable Object first reads it from D1:
// the row alone (its sender's provider id is on it), from the shard its id
// names. Only when the row is not there is the control database asked where
// that shard's messages were moved (an account moved off it), and read there.
import type { Database } from "../db/client.ts";
import { messageForDelivery, shardsMovedFrom } from "../db/messages.ts";
import { shardDatabase } from "../db/shards.ts";
import { shardOfMessageId } from "../domain/ids.ts";
import type { EndpointSubscription } from "../domain/webhook-endpoint.ts";
import { logger } from "../log.ts";
import { type DeliveryState, initialState } from "./delivery-state.ts";
import type { MessageStore } from "./message-store.ts";

/**
 * The state stored already, or the one read from D1 (not stored: the first change stores it); null without a row.
 * `endpoints`: whether the account had webhook endpoints at the create (false: none, so the gate is not asked;
 * undefined: unknown, asked).
 */
export async function loadState(env: Env, controlDb: Database, store: MessageStore, messageId: string, endpoints?: boolean): Promise<DeliveryState | null> {
  const row = await readRow(env, controlDb, messageId);
  if (!row) {
    logger.with({ message_id: messageId }).warn("delivery_for_unknown_message");
    return null;
  }
  const subscriptions = endpoints === false || store.state() ? [] : await endpointSubscriptions(env, row.message.accountId);
  // Another request may have stored the state while this one read D1 (or asked the gate).
  return store.state() ?? initialState(row.message, row.fromId, subscriptions);
}

/** The account's enabled webhook endpoints, from its gate: once per message; none when the gate cannot answer (logged). */
export async function endpointSubscriptions(env: Env, accountId: string): Promise<EndpointSubscription[]> {
  try {
    return await env.ACCOUNT_GATE.getByName(accountId).endpointSubscriptions(accountId);
  } catch (error) {
    logger.warn("endpoints_not_read", { account_id: accountId, error });
    return [];
  }
}

function readRow(env: Env, controlDb: Database, messageId: string) {
  return readWhereHeld(env, controlDb, messageId, (db) => messageForDelivery(db, messageId));
}

/**
 * `read` on the shard the message's id names, and only when that finds no row,
 * on each shard that shard's messages were moved to (the control database says
 * which): what `read` found first, or undefined.
 */
export async function readWhereHeld<T>(
  env: Env,
  controlDb: Database,
  messageId: string,
  read: (db: Database) => Promise<T | undefined>,
): Promise<T | undefined> {
  const bornOn = shardOfMessageId(messageId);
  const found = await read(shardDatabase(env, bornOn));
  if (found !== undefined) return found;
  for (const shard of await shardsMovedFrom(controlDb, bornOn)) {
    const moved = await read(shardDatabase(env, shard));
    if (moved !== undefined) return moved;
  }
  return undefined;
}
