// The archive's objects in R2: one part of an account's day on one shard as
// gzipped JSON lines (rows as D1 stores them, in id order), read whole and
// written whole, each write conditional on the object as it was read; and
// what a part's rows become when D1's rows and late changes join them.

import type { StoredMessage } from "../db/archive.ts";
import type { BatchTally, HeldChange } from "../db/archive-index.ts";
import { redactedMessage } from "../delivery/redaction.ts";

/** The part's rows in id order and the object's etag, or null when there is no such object. */
export async function readArchivedObject(bucket: R2Bucket, key: string): Promise<{ rows: StoredMessage[]; etag: string } | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return { rows: text === "" ? [] : text.split("\n").map((line) => JSON.parse(line) as StoredMessage), etag: object.etag };
}

/** The part's rows in id order, or null when there is no such object. */
export async function readArchivedPart(bucket: R2Bucket, key: string): Promise<StoredMessage[] | null> {
  return (await readArchivedObject(bucket, key))?.rows ?? null;
}

/** A part's object changed between its read and its rewrite (another writer): the rewrite did not happen. */
export class ArchiveObjectChanged extends Error {
  override readonly name = "ArchiveObjectChanged";
  constructor(key: string) {
    super(`archive object ${key} changed while it was rewritten`);
  }
}

/**
 * Writes the part's rows (in id order) as one object, how many and the first and last id in its customMetadata,
 * then reads it back and compares the ids: only a verified object lets the rows go. No rows deletes the object.
 * `etag`: the object as it was read, and the write fails (ArchiveObjectChanged) if another writer (a redaction, a
 * run that took over a stalled one's lease) changed it since, rather than undo that change; null for a key that held
 * no object when read, and the write then fails if one has appeared since.
 */
export async function writeArchivedPart(bucket: R2Bucket, key: string, rows: StoredMessage[], etag: string | null): Promise<void> {
  if (rows.length === 0) {
    await bucket.delete(key);
    return;
  }
  const text = rows.map((row) => JSON.stringify(row)).join("\n");
  const body = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
  const put = await bucket.put(key, body, {
    onlyIf: etag === null ? { etagDoesNotMatch: "*" } : { etagMatches: etag },
    httpMetadata: { contentType: "application/jsonl", contentEncoding: "gzip" },
    customMetadata: { count: String(rows.length), first: rows[0]!.id, last: rows.at(-1)!.id },
  });
  if (!put) throw new ArchiveObjectChanged(key);
  const written = await readArchivedPart(bucket, key);
  if (written?.map((row) => row.id).join() !== rows.map((row) => row.id).join()) throw new Error(`archive object ${key} did not read back as written`);
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The object's rows with `fresh` replacing any of the same id (D1's copy is the newer), in id order. */
export function merged(held: StoredMessage[], fresh: StoredMessage[]): StoredMessage[] {
  const rows = new Map(held.map((row) => [row.id, row]));
  for (const row of fresh) rows.set(row.id, row);
  return [...rows.values()].sort(byId);
}

/**
 * An archived row: as stored, and once a late change has moved its status or price, those two as they were when it
 * was archived. Its usage was counted under them (src/db/archive.ts adds it back as the archive's when the row
 * leaves D1), and stays so: expiry takes out exactly that, wherever the row's status went since.
 */
export type ArchivedRow = StoredMessage & { usageAsArchived?: Pick<StoredMessage, "status" | "price"> };

/** The row's figures as its usage counts them. */
export function usageColumns(row: ArchivedRow): StoredMessage {
  return { ...row, ...row.usageAsArchived };
}

/** The row as a late change leaves it, when the change is newer than the row (a projection over an older one). */
export function withChange(row: ArchivedRow, held: HeldChange | undefined): ArchivedRow {
  if (!held || held.seq <= row.projectionSeq) return row;
  const moved = held.change.status !== row.status || held.change.price !== row.price;
  const usageAsArchived = row.usageAsArchived ?? (moved ? { status: row.status, price: row.price } : undefined);
  const changed = { ...row, ...held.change, projectionSeq: held.seq, ...(usageAsArchived ? { usageAsArchived } : {}) };
  // A change carrying a redaction empties the content, as the projection's update of the row does.
  return held.change.redactedAt !== null && row.redactedAt === null ? { ...changed, ...redactedMessage(changed, held.change.redactedAt) } : changed;
}

/** The rows with their late changes laid over them. */
export function withChanges(rows: StoredMessage[], changes: HeldChange[]): StoredMessage[] {
  if (changes.length === 0) return rows;
  const byMessage = new Map(changes.map((held) => [held.messageId, held]));
  return rows.map((row) => withChange(row, byMessage.get(row.id)));
}

/** The rows of each batch, by status. */
export function batchTallies(rows: StoredMessage[]): BatchTally[] {
  const counts = new Map<string, BatchTally>();
  for (const row of rows) {
    if (!row.batchId) continue;
    const key = `${row.batchId}\u0000${row.status}`;
    const tally = counts.get(key) ?? { batchId: row.batchId, status: row.status, count: 0 };
    tally.count++;
    counts.set(key, tally);
  }
  return [...counts.values()];
}
