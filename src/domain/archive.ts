// The R2 archive's rules: which day and shard hold a message (its id names
// them), which part of the day (the index's id ranges), where the hot window
// ends, a late change laid over an archived row, and the list's filters
// applied in memory to an archived part's rows.
import { firstIdAt, idTimestampMs, shardOfMessageId } from "./ids.ts";
import type { Message } from "./message.ts";

export const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) a message id was created on. */
export function dayOfId(id: string): string {
  return new Date(idTimestampMs(id)).toISOString().slice(0, 10);
}

/** The first and the first-after-the-end id of a UTC day: its messages' ids are in [from, to). */
export function dayIdRange(day: string): { from: string; to: string } {
  const start = Date.parse(`${day}T00:00:00Z`);
  return { from: firstIdAt("msg", start), to: firstIdAt("msg", start + DAY_MS) };
}

/** One part of an account's archived day on one shard: its number, the ids it claims from, and what it holds. */
export interface ArchivePart {
  accountId: string;
  shard: number;
  day: string;
  part: number;
  /** It claims the ids from here to the next part's fromId (the day's first part: from the day's first id). */
  fromId: string;
  firstId: string;
  lastId: string;
  count: number;
}

/** The object holding one part of an account's archived messages of one shard (the id's) and one day. */
export function partKey(part: Pick<ArchivePart, "accountId" | "shard" | "day" | "part">): string {
  return `${part.accountId}/${part.shard}/${part.day}/${part.part}.jsonl.gz`;
}

/** The account's archived day and shard a message id names. */
export function dayAndShardOf(accountId: string, messageId: string): Pick<ArchivePart, "accountId" | "shard" | "day"> {
  return { accountId, shard: shardOfMessageId(messageId), day: dayOfId(messageId) };
}

/**
 * The part of a day (its parts in fromId order, at least one) claiming an id, and where its claim ends (the next
 * part's fromId; null for the day's last part, which claims to the day's end).
 */
export function claimant(parts: ArchivePart[], id: string): { into: ArchivePart; upTo: string | null } {
  const at = Math.max(
    parts.findLastIndex((part) => part.fromId <= id),
    0,
  );
  return { into: parts[at]!, upTo: parts[at + 1]?.fromId ?? null };
}

/** What a status projection changes on a row: a late one, reaching a message after its row was archived, kept as this. */
export type ArchivedChange = Pick<
  Message,
  "status" | "deliveredAt" | "providerLatencyMs" | "errorCode" | "errorMessage" | "attempts" | "deliveredChannel" | "redactedAt" | "price" | "priceStatus"
>;

/**
 * Every archived id is below this one: only whole UTC days that ended
 * `hotDays` or more before now are archived. Ids at or above it are in D1 alone.
 */
export function hotBoundaryId(nowMs: number, hotDays: number): string {
  const cut = nowMs - hotDays * DAY_MS;
  return firstIdAt("msg", cut - (cut % DAY_MS));
}

/** The list's filters, as the API takes them, over a row held in memory. */
export interface RowFilters {
  status?: string;
  direction?: string;
  channel?: string;
  to?: string;
  batchId?: string;
  metadata?: Record<string, string>;
  createdGte?: number;
  createdLte?: number;
}

/** Whether an archived row passes the filters (the same equalities and id range D1's query applies). */
export function matchesFilters(row: Message, filters: RowFilters): boolean {
  const created = Math.floor(idTimestampMs(row.id) / 1000);
  if (filters.status !== undefined && row.status !== filters.status) return false;
  if (filters.direction !== undefined && row.direction !== filters.direction) return false;
  if (filters.channel !== undefined && row.channel !== filters.channel) return false;
  if (filters.to !== undefined && row.to !== filters.to) return false;
  if (filters.batchId !== undefined && row.batchId !== filters.batchId) return false;
  if (filters.createdGte !== undefined && created < filters.createdGte) return false;
  if (filters.createdLte !== undefined && created > filters.createdLte) return false;
  const metadata = (row.metadata ?? {}) as Record<string, string>;
  return Object.entries(filters.metadata ?? {}).every(([key, value]) => metadata[key] === value);
}
