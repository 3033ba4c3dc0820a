// The R2 archive's rules: which object holds a message (its id names its
// account's day and its shard), where the hot window ends, and the list's
// filters applied in memory to an archived day's rows.
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

/** The object holding an account's archived messages of one shard (the id's) and one day. */
export function archiveKey(accountId: string, shard: number, day: string): string {
  return `${accountId}/${shard}/${day}.jsonl.gz`;
}

/** The object an archived message would be in. */
export function archiveKeyOf(accountId: string, messageId: string): string {
  return archiveKey(accountId, shardOfMessageId(messageId), dayOfId(messageId));
}

/** The day an object's key names, or null for a key of another form. */
export function dayOfKey(key: string): string | null {
  return /\/(\d{4}-\d{2}-\d{2})\.jsonl\.gz$/.exec(key)?.[1] ?? null;
}

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
