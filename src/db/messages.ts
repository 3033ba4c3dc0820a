// Messages in D1. Every query is scoped to one account, except the
// reconciler's scan of stuck messages, which only reads ids.
import { and, asc, eq, gte, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Channel } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import { firstIdAt } from "../domain/ids.ts";
import type { Direction, Message } from "../domain/message.ts";
import type { Metadata } from "../domain/metadata.ts";
import { type PriceKey, type Rate, ratesFor } from "../domain/price.ts";
import type { Sender } from "../domain/sender.ts";
import type { Status } from "../domain/status.ts";
import type { Template } from "../domain/template.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { metadataPage, metadataPageQuery } from "./message-metadata.ts";
import { messages, type NewMessageRow } from "./message-schema.ts";
import { accountPage, accountPageQuery, type Page } from "./pagination.ts";
import { accountRatesQuery } from "./rates.ts";
import { sendersQuery } from "./senders.ts";
import { queuedRows, statusIs } from "./status-filter.ts";
import { suppressionQuery } from "./suppressions.ts";
import { templateQuery } from "./templates.ts";

/** A recipient whose suppression a create looks up (address as suppressionKey gives it). */
export interface Recipient {
  channel: Channel;
  address: string;
}

export interface SenderRead {
  channel: Channel;
  /** The channel's sender with this address, or with address undefined its default pool. */
  address: string | undefined;
}

export interface CreateReads {
  templateId?: string;
  senders?: SenderRead;
  /** The recipient whose suppression is looked up (address as suppressionKey gives it). */
  recipient?: Recipient;
  /** The same for each fallback step, in order (undefined: the step needs none). */
  stepSenders?: (SenderRead | undefined)[];
  stepRecipients?: Recipient[];
  /** What prices the message and each fallback step (the gate answers the card's rates for them). */
  prices?: PriceKey[];
}

export interface CreateReadResults {
  template: Template | undefined;
  senders: Sender[];
  /** Whether the recipient is suppressed (false when it was not asked). */
  suppressed: boolean;
  /** Per fallback step, when the create has steps. */
  stepSenders?: Sender[][];
  stepSuppressed?: boolean[];
  /** The card's rates that price `prices` (empty when none was asked or the card has none). */
  rates?: Rate[];
  /** Whether the account has an enabled webhook endpoint (answered by the gate; absent: unknown, the message's object asks). */
  endpoints?: boolean;
}

/** What a create reads besides the account, in at most one D1 round trip. */
export async function readForCreate(db: Database, accountId: string, reads: CreateReads): Promise<CreateReadResults> {
  const template = reads.templateId === undefined ? undefined : templateQuery(db, accountId, reads.templateId);
  const pool = reads.senders && sendersQuery(db, accountId, reads.senders.channel, reads.senders.address);
  const suppression = reads.recipient && suppressionQuery(db, accountId, reads.recipient.channel, reads.recipient.address);
  const stepPools = (reads.stepSenders ?? []).map((read) => read && sendersQuery(db, accountId, read.channel, read.address));
  const stepSuppressions = (reads.stepRecipients ?? []).map((recipient) => suppressionQuery(db, accountId, recipient.channel, recipient.address));
  const card = reads.prices && accountRatesQuery(db, accountId);
  // Only what is asked: one statement alone, or several in one batch.
  const asked = [template, pool, suppression, card, ...stepPools, ...stepSuppressions].filter((query) => query !== undefined);
  const [first, ...rest] = asked;
  const results: unknown[][] = first === undefined ? [] : rest.length === 0 ? [await first] : await db.batch([first, ...rest]);
  const resultOf = (query: (typeof asked)[number] | undefined) => (query === undefined ? [] : results[asked.indexOf(query)]!);
  return {
    template: (resultOf(template) as Template[])[0],
    senders: resultOf(pool) as Sender[],
    suppressed: resultOf(suppression).length > 0,
    ...(reads.stepSenders ? { stepSenders: stepPools.map((query) => resultOf(query) as Sender[]) } : {}),
    ...(reads.stepRecipients ? { stepSuppressed: stepSuppressions.map((query) => resultOf(query).length > 0) } : {}),
    ...(reads.prices ? { rates: ratesFor(resultOf(card) as Rate[], accountId, reads.prices) } : {}),
  };
}

export async function insertMessage(db: Database, row: NewMessageRow): Promise<void> {
  await db.insert(messages).values(row);
}

export async function findMessage(db: Database, accountId: string, id: string): Promise<Message | undefined> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.accountId, accountId), eq(messages.id, id)))
    .get();
}

export interface MessageFilters {
  status?: Status;
  direction?: Direction;
  channel?: Channel;
  to?: string;
  batchId?: string;
  /** Every key with exactly its value (served by message_metadata, see message-metadata.ts). */
  metadata?: Metadata;
  /** Unix seconds, inclusive. */
  createdGte?: number;
  createdLte?: number;
}

// The literal (not a bound parameter) lets SQLite use the partial index
// messages_account_inbound_idx, which holds only inbound rows.
const isInbound = sql`${messages.direction} = 'inbound'`;

/**
 * Each filter is an equality served by its (account_id, column, id) index,
 * which also serves the keyset order (status by one of two indexes, see
 * status-filter.ts); direction=inbound by the partial index of inbound
 * rows, direction=outbound (nearly every row) by (account_id, id);
 * the created range is an id range, since created_at is the id's timestamp.
 */
function filterConditions(filters: MessageFilters): (SQL | undefined)[] {
  return [
    filters.status === undefined ? undefined : statusIs(filters.status),
    filters.direction === undefined ? undefined : filters.direction === "inbound" ? isInbound : eq(messages.direction, filters.direction),
    filters.channel === undefined ? undefined : eq(messages.channel, filters.channel),
    filters.to === undefined ? undefined : eq(messages.to, filters.to),
    // Served by the partial index of batched rows (messages_account_batch_idx).
    filters.batchId === undefined ? undefined : eq(messages.batchId, filters.batchId),
    filters.createdGte === undefined ? undefined : gte(messages.id, firstIdAt("msg", filters.createdGte * 1000)),
    filters.createdLte === undefined ? undefined : lt(messages.id, firstIdAt("msg", (filters.createdLte + 1) * 1000)),
  ];
}

/**
 * The filters without the created bound a cursor inside the range makes redundant (the list is newest first: "next"
 * reads ids below the cursor, "prev" above it). Left in, SQLite may start the page's range of (account_id, id) at that
 * bound instead of at the cursor, and read every row between the two.
 */
function withinCursor(filters: MessageFilters, cursor: Cursor | null): MessageFilters {
  if (cursor?.dir === "next" && filters.createdLte !== undefined && firstIdAt("msg", (filters.createdLte + 1) * 1000) >= cursor.id) {
    return { ...filters, createdLte: undefined };
  }
  if (cursor?.dir === "prev" && filters.createdGte !== undefined && firstIdAt("msg", filters.createdGte * 1000) <= cursor.id) {
    return { ...filters, createdGte: undefined };
  }
  return filters;
}

function messagePage(accountId: string, filters: MessageFilters, limit: number, cursor: Cursor | null) {
  return { table: messages, order: "desc" as const, accountId, limit, cursor, filters: filterConditions(withinCursor(filters, cursor)) };
}

const hasMetadataFilter = (filters: MessageFilters): filters is MessageFilters & { metadata: Metadata } =>
  filters.metadata !== undefined && Object.keys(filters.metadata).length > 0;

/** The query listMessages runs (for checking its plan). */
export function messagePageQuery(db: Database, accountId: string, filters: MessageFilters, limit: number, cursor: Cursor | null) {
  if (hasMetadataFilter(filters)) return metadataPageQuery(db, accountId, filters.metadata, filterConditions(withinCursor(filters, cursor)), limit, cursor);
  return accountPageQuery(db, messagePage(accountId, filters, limit, cursor));
}

/** One page of an account's messages, newest first (ids sort by creation time). */
export function listMessages(db: Database, accountId: string, filters: MessageFilters, limit: number, cursor: Cursor | null): Promise<Page<Message>> {
  if (hasMetadataFilter(filters)) return metadataPage(db, accountId, filters.metadata, filterConditions(withinCursor(filters, cursor)), limit, cursor);
  return accountPage(db, messagePage(accountId, filters, limit, cursor));
}

/**
 * Messages still queued and untouched since `before` (Unix seconds), oldest
 * first. It reads the partial index of queued rows whole (it holds id and
 * updated_at: no row is read) and sorts what passed its grace: a run reads
 * every row queued on the database, a few in steady state (a create's row
 * leaves the index with its first projection, about a second later), all of
 * those created during an outage of the Queue.
 */
export function stuckQueuedMessagesQuery(db: Database, before: number, limit: number) {
  return db
    .select({ id: messages.id })
    .from(messages)
    .where(and(queuedRows, lte(messages.updatedAt, before)))
    .orderBy(asc(messages.updatedAt))
    .limit(limit);
}

export async function stuckQueuedMessageIds(db: Database, before: number, limit: number): Promise<string[]> {
  const rows = await stuckQueuedMessagesQuery(db, before, limit);
  return rows.map((row) => row.id);
}

// The same for scheduled rows (messages_scheduled_idx).
const isScheduled = sql`${messages.status} = 'scheduled'`;

/** Scheduled messages whose send time passed before `before` (Unix seconds), untouched since, the longest untouched first. */
export function overdueScheduledQuery(db: Database, before: number, limit: number) {
  // The index serves the send time's range; the order is by the last re-arming
  // (updated_at), so rows re-armed every run go behind one never armed.
  return db
    .select({ id: messages.id, sendAt: messages.sendAt })
    .from(messages)
    .where(and(isScheduled, lte(messages.sendAt, before), lte(messages.updatedAt, before)))
    .orderBy(asc(messages.updatedAt), asc(messages.sendAt))
    .limit(limit);
}

export async function overdueScheduledMessages(db: Database, before: number, limit: number): Promise<{ id: string; sendAt: number }[]> {
  const rows = await overdueScheduledQuery(db, before, limit);
  return rows.map((row) => ({ id: row.id, sendAt: row.sendAt ?? 0 }));
}

/** Records that these queued (or scheduled) messages were just driven again: their grace period starts over. */
export async function markRequeued(db: Database, ids: string[], now: number): Promise<void> {
  // One bound parameter for the whole list: D1 caps a query at 100.
  const idList = sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  await db
    .update(messages)
    .set({ updatedAt: now })
    .where(and(sql`${messages.status} IN ('queued', 'scheduled')`, inArray(messages.id, idList)));
}

/**
 * A message as its delivery first reads it, by id alone (only the pipeline
 * calls this, after the API scoped the id), from one message database: the
 * row alone (its sender's provider id is on it), without the storage-only
 * projection counter.
 */
export async function messageForDelivery(db: Database, id: string): Promise<{ message: Message; fromId: string | null } | undefined> {
  const row = await db.select().from(messages).where(eq(messages.id, id)).get();
  if (!row) return undefined;
  const { fromId, projectionSeq: _, ...message } = row;
  return { message, fromId };
}

/**
 * The shards that the messages of `shard` were moved to, for some account
 * (control database). Read only when a row is missing where its id says; the
 * condition on `$.moved` lets a partial index of moved accounts serve it.
 */
export async function shardsMovedFrom(db: Database, shard: number): Promise<number[]> {
  const moves = sql`${accounts}, json_each(${accounts.placement}, '$.moved')`;
  const movedOff = sql`json_extract(${accounts.placement}, '$.moved') IS NOT NULL AND json_each.key = ${String(shard)}`;
  const rows = await db.all<{ to: number }>(sql`SELECT DISTINCT json_each.value AS "to" FROM ${moves} WHERE ${movedOff}`);
  return rows.map((row) => Number(row.to));
}
