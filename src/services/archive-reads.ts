// Reading archived messages: one by id (its id names its object, one R2 read),
// and a list's page past the hot window, read day by day from the objects in
// list order with the same keyset cursor D1's pages use.
import type { RowFilters } from "../domain/archive.ts";
import { archiveKeyOf, DAY_MS, dayOfId, dayOfKey, matchesFilters } from "../domain/archive.ts";
import type { Cursor } from "../domain/cursor.ts";
import type { Message } from "../domain/message.ts";
import type { ShardPage } from "../domain/page-merge.ts";
import { readArchivedDay } from "./archive.ts";

/** The account's archived message with this id, from the one object its id names. */
export async function findArchivedMessage(env: Env, accountId: string, id: string): Promise<Message | undefined> {
  const rows = await readArchivedDay(env.ARCHIVE, archiveKeyOf(accountId, id));
  return rows?.find((row) => row.id === id);
}

/** Whether the account has any archived day (one R2 list). */
export async function hasArchive(env: Env, accountId: string): Promise<boolean> {
  return (await env.ARCHIVE.list({ prefix: `${accountId}/`, limit: 1 })).objects.length > 0;
}

/** The account's archived days, each with its objects (one per shard): R2 lists keys, 1,000 a call. */
async function archivedDays(bucket: R2Bucket, accountId: string): Promise<Map<string, string[]>> {
  const days = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: `${accountId}/`, cursor });
    for (const { key } of listed.objects) {
      const day = dayOfKey(key);
      if (day) days.set(day, [...(days.get(day) ?? []), key]);
    }
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  return days;
}

/** Whether any second of the day is inside the created range. */
function dayInRange(day: string, filters: RowFilters): boolean {
  const start = Date.parse(`${day}T00:00:00Z`) / 1000;
  return (filters.createdGte === undefined || start + DAY_MS / 1000 > filters.createdGte) && (filters.createdLte === undefined || start <= filters.createdLte);
}

/**
 * The archive's page of the account's messages, newest first: a "next" page (or the first) reads days
 * downward from the cursor's, a "prev" page upward, each day's objects whole, filtering in memory, until
 * one row more than the page is found. A filter that matches little reads every day it passes.
 */
export async function archivePage(env: Env, accountId: string, filters: RowFilters, limit: number, cursor: Cursor | null): Promise<ShardPage<Message>> {
  const backwards = cursor?.dir === "prev";
  const days = await archivedDays(env.ARCHIVE, accountId);
  const cursorDay = cursor ? dayOfId(cursor.id) : null;
  const order = [...days.keys()].sort();
  if (!backwards) order.reverse();
  const beyond = (id: string) => !cursor || (backwards ? id > cursor.id : id < cursor.id);
  const items: Message[] = [];
  for (const day of order) {
    if (cursorDay && (backwards ? day < cursorDay : day > cursorDay)) continue;
    if (!dayInRange(day, filters)) continue;
    const rows = (await Promise.all(days.get(day)!.map((key) => readArchivedDay(env.ARCHIVE, key)))).flatMap((held) => held ?? []);
    rows.sort((a, b) => (a.id < b.id ? -1 : 1) * (backwards ? 1 : -1));
    items.push(...rows.filter((row) => beyond(row.id) && matchesFilters(row, filters)));
    if (items.length > limit) break;
  }
  const page = items.slice(0, limit);
  return { items: backwards ? page.reverse() : page, hasMore: items.length > limit };
}
