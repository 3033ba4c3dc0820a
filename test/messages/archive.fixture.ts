// What the archive's tests share: delivered messages at chosen times, archive
// runs, a day archived in parts of a chosen size without a run, the index's parts of a day, and a list walked forward and back, with
// the archive objects each page read.
import { env } from "cloudflare:workers";
import { and, asc, eq, inArray } from "drizzle-orm";
import { expect, vi } from "vitest";
import { deleteArchivedRows } from "../../src/db/archive.ts";
import { savePart } from "../../src/db/archive-index.ts";
import { releaseArchiveLease, takeArchiveLease } from "../../src/db/archive-leases.ts";
import { archiveParts } from "../../src/db/archive-schema.ts";
import { messages, type NewMessageRow } from "../../src/db/message-schema.ts";
import type { Projection } from "../../src/db/projections.ts";
import { dayIdRange, partKey } from "../../src/domain/archive.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { type ArchiveRun, archiveColdMessages } from "../../src/services/archive.ts";
import { batchTallies, readArchivedPart, writeArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, messageDb } from "../support/db.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";
import { retainAll, untilDone } from "../support/retention.ts";

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

/** Archive runs until one moves nothing (other files' old messages share the databases, and move too). */
export function archiveAll(run: Partial<ArchiveRun> = {}): Promise<void> {
  return untilDone(async () => {
    const { moved, held } = await archiveColdMessages(env, workerControl(env), Date.now(), run);
    return { done: moved, held };
  });
}

/** Expiry until nothing is left to forget, as `archiveAll`: the retention tasks of accounts' archives. */
export function expireAll(): Promise<void> {
  return retainAll("archive");
}

/**
 * Messages one a minute from `startMs` (one UTC day), each with its `rows` fields (delivered unless told), archived in
 * parts of `partSize` per shard as a run writes new parts (the object, its index row, then the D1 rows deleted), but
 * without one: they are stored `sent` first, which no run moves, so another file's run, with its own part size,
 * cannot cut them otherwise meanwhile. Their ids, oldest first.
 */
export async function archivedInParts(account: TestAccount, startMs: number, rows: Partial<NewMessageRow>[], partSize: number): Promise<string[]> {
  const day = dayOf(startMs);
  expect(dayOf(startMs + (rows.length - 1) * 60_000)).toBe(day);
  const ids: string[] = [];
  for (const [i, row] of rows.entries()) {
    const at = startMs + i * 60_000;
    ids.push(
      await storeMessage(account, {
        id: idCreatedAt(account, at),
        createdAt: Math.floor(at / 1000),
        content: { text: `message ${i}` },
        ...row,
        status: "sent",
      }),
    );
  }
  const statuses = new Map(ids.map((id, i) => [id, rows[i]!.status ?? "delivered"]));
  // The account's archive lease, as a run's step holds it: the index write checks it.
  const lease = await takeArchiveLease(db(), account.id, Date.now(), Date.now() + 60_000);
  expect(lease).not.toBeNull();
  for (const shard of new Set(ids.map(shardOfMessageId))) {
    const own = ids.filter((id) => shardOfMessageId(id) === shard);
    const stored = (await Promise.all(pagesOf(own, 50).map((some) => messageDb(some[0]!).select().from(messages).where(inArray(messages.id, some))))).flat();
    const parts = pagesOf(
      stored.sort((a, b) => (a.id < b.id ? -1 : 1)),
      partSize,
    );
    for (const [part, held] of parts.entries()) {
      const final = held.map((row) => ({ ...row, status: statuses.get(row.id)! }));
      const index = { accountId: account.id, shard, day, part, fromId: part === 0 ? dayIdRange(day).from : final[0]!.id };
      await writeArchivedPart(env.ARCHIVE, partKey(index), final, null);
      expect(await savePart(db(), lease!, { ...index, firstId: final[0]!.id, lastId: final.at(-1)!.id, count: final.length }, batchTallies(final), [])).toBe(
        true,
      );
      await deleteArchivedRows(messageDb(held[0]!.id), held);
    }
  }
  await releaseArchiveLease(db(), lease!);
  return ids;
}

/** The object's view of a WhatsApp message as the projection queue carries it: a late change reaching an archived one. */
export function whatsappProjection(accountId: string, messageId: string, seq: number, status: "delivered" | "read", batchId?: string): Projection {
  return {
    messageId,
    accountId,
    seq,
    status,
    deliveredAt: 1_700_000_000,
    providerLatencyMs: 900,
    errorCode: null,
    errorMessage: null,
    attempts: null,
    deliveredChannel: "whatsapp",
    redactedAt: null,
    price: null,
    priceStatus: null,
    ...(batchId ? { batchId } : {}),
  };
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
export function pagesOf<T>(ids: T[], size: number): T[][] {
  const pages = [];
  for (let i = 0; i < ids.length; i += size) pages.push(ids.slice(i, i + size));
  return pages;
}

export interface ReadPage {
  ids: string[];
  hasMore: boolean;
  next: string | null;
  prev: string | null;
  /** The archive objects (R2 GETs) its request read. */
  reads: number;
}

/** One page of the list (`query`: limit, filters or cursor), with the R2 GETs its request made, counted on the bucket. */
export async function readPage(account: TestAccount, query: string): Promise<ReadPage> {
  const get = vi.spyOn(env.ARCHIVE, "get");
  try {
    const response = await api(`/v1/messages?${query}`, { key: account.key });
    expect(response.status).toBe(200);
    const page = await response.json<ListPage & { has_more: boolean }>();
    return {
      ids: page.data.map((message) => message.id),
      hasMore: page.has_more,
      next: page.next_cursor,
      prev: page.prev_cursor,
      reads: get.mock.calls.length,
    };
  } finally {
    get.mockRestore();
  }
}

/** The pages from `query`'s on, following next_cursor (or prev_cursor) until it is null. */
export async function follow(account: TestAccount, limit: number, query: string, towards: "next" | "prev"): Promise<ReadPage[]> {
  const pages = [await readPage(account, `limit=${limit}${query}`)];
  for (let cursor = pages[0]![towards]; cursor !== null; cursor = pages.at(-1)![towards])
    pages.push(await readPage(account, `limit=${limit}&cursor=${cursor}`));
  return pages;
}
