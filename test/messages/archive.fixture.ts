// What the archive's tests share: delivered messages at chosen times, archive
// runs, the index's parts of a day, and a list walked forward and back.
import { env } from "cloudflare:workers";
import { and, asc, eq } from "drizzle-orm";
import { archiveParts } from "../../src/db/archive-schema.ts";
import type { NewMessageRow } from "../../src/db/message-schema.ts";
import { type ArchiveRun, archiveColdMessages } from "../../src/services/archive.ts";
import { expireArchivedDays } from "../../src/services/archive-expiry.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** One shard: a day of the account is then one shard's parts. */
export const ONE_SHARD = { home: 0, write: [0], read: [0] };

/** The start (ms) of the UTC day `days` days ago. */
export function dayStartDaysAgo(days: number): number {
  const at = Date.now() - days * DAY_MS;
  return at - (at % DAY_MS);
}

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Messages at these times, one a minute apart from `startMs` (so ids order as the times do), delivered unless told. */
export async function delivered(account: TestAccount, startMs: number, howMany: number, row: Partial<NewMessageRow> = {}): Promise<string[]> {
  const ids = [];
  for (let i = 0; i < howMany; i++) {
    const at = startMs + i * 60_000;
    ids.push(
      await storeMessage(account, {
        id: idCreatedAt(account, at),
        createdAt: Math.floor(at / 1000),
        status: "delivered",
        content: { text: `message ${i}` },
        ...row,
      }),
    );
  }
  return ids;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Archive runs until one moves nothing and passes no account over (other files' old messages share the databases,
 * and move too; a run of another file holding an account's lease passes it over here, and this waits it out).
 */
export async function archiveAll(run: Partial<ArchiveRun> = {}): Promise<void> {
  for (;;) {
    const { moved, held } = await archiveColdMessages(env, workerControl(env), Date.now(), run);
    if (moved > 0) continue;
    if (held === 0) return;
    await pause();
  }
}

/** Expiry runs until one forgets nothing and passes no account over, as `archiveAll`. */
export async function expireAll(): Promise<void> {
  for (;;) {
    const { forgotten, held } = await expireArchivedDays(env, workerControl(env), Date.now(), 1000);
    if (forgotten > 0) continue;
    if (held === 0) return;
    await pause();
  }
}

/** The index's parts of the account's day on a shard, in id order. */
export function partsOf(accountId: string, day: string, shard = 0) {
  return db()
    .select()
    .from(archiveParts)
    .where(and(eq(archiveParts.accountId, accountId), eq(archiveParts.shard, shard), eq(archiveParts.day, day)))
    .orderBy(asc(archiveParts.fromId));
}

/** The ids each part's object holds, part by part, in the index's order. */
export async function idsByPart(accountId: string, day: string, shard = 0): Promise<string[][]> {
  const parts = await partsOf(accountId, day, shard);
  return Promise.all(
    parts.map(async (part) => ((await readArchivedPart(env.ARCHIVE, `${accountId}/${shard}/${day}/${part.part}.jsonl.gz`)) ?? []).map((row) => row.id)),
  );
}

export interface ListPage {
  data: { id: string; status: string }[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

/** Every page of the list of `limit` (with `query`), following next_cursor, then back again with prev_cursor. */
export async function walk(account: TestAccount, limit: number, query = "") {
  const forward: string[][] = [];
  const cursors: string[] = [];
  let url: string | null = `/v1/messages?limit=${limit}${query}`;
  while (url) {
    const page: ListPage = await (await api(url, { key: account.key })).json<ListPage>();
    forward.push(page.data.map((message) => message.id));
    cursors.push(page.prev_cursor ?? "");
    url = page.next_cursor ? `/v1/messages?limit=${limit}${query}&cursor=${page.next_cursor}` : null;
  }
  const back: string[][] = [];
  let prev: string | null = cursors.at(-1) || null;
  while (prev) {
    const page: ListPage = await (await api(`/v1/messages?limit=${limit}${query}&cursor=${prev}`, { key: account.key })).json<ListPage>();
    back.unshift(page.data.map((message) => message.id));
    prev = page.prev_cursor;
  }
  return { forward, back };
}

/** In pages of `size`, as a list newest first shows them. */
export function pagesOf(ids: string[], size: number): string[][] {
  const pages = [];
  for (let i = 0; i < ids.length; i += size) pages.push(ids.slice(i, i + size));
  return pages;
}
