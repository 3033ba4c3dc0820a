// The R2 archive: final messages older than the hot window (ARCHIVE_HOT_DAYS)
// move from the message databases to one gzipped JSON-lines object per
// account, shard (the id's) and UTC day, rows as stored. The object is written
// and read back before any row is deleted, so a crash between the two leaves
// the rows in D1 and the next run writes the same day again, merged by id:
// nothing is lost and nothing is held twice once the run completes.

import { loadConfig } from "../config.ts";
import { archivableRows, deleteArchivedRows, oldestArchivable, type StoredMessage } from "../db/archive.ts";
import { retentionOverrides } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { messageDatabases } from "../db/shards.ts";
import { redactedMessage } from "../delivery/redaction.ts";
import { archiveKey, archiveKeyOf, DAY_MS, dayIdRange, dayOfId, hotBoundaryId } from "../domain/archive.ts";
import { shardOfMessageId, shardSuffix } from "../domain/ids.ts";
import { RETENTION_DAYS } from "../domain/retention.ts";
import type { Control } from "./control.ts";

/** The day's rows in id order and the object's etag, or null when the account has no object for that shard and day. */
export async function readArchivedObject(bucket: R2Bucket, key: string): Promise<{ rows: StoredMessage[]; etag: string } | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream("gzip"))).text();
  return { rows: text === "" ? [] : text.split("\n").map((line) => JSON.parse(line) as StoredMessage), etag: object.etag };
}

/** The day's rows in id order, or null when the account has no object for that shard and day. */
export async function readArchivedDay(bucket: R2Bucket, key: string): Promise<StoredMessage[] | null> {
  return (await readArchivedObject(bucket, key))?.rows ?? null;
}

/**
 * Writes the day's rows (in id order) as one object, its small index in customMetadata (how many, the first
 * and last id: 2 KB holds no more), then reads it back and compares the ids: only a verified object lets
 * the rows go. An empty day deletes the object. `etag`: the object as it was read, and the write fails if
 * another writer (a redaction, an overlapping run) changed it since, rather than undo that change.
 */
export async function writeArchivedDay(bucket: R2Bucket, key: string, rows: StoredMessage[], etag: string | undefined): Promise<void> {
  if (rows.length === 0) {
    await bucket.delete(key);
    return;
  }
  const text = rows.map((row) => JSON.stringify(row)).join("\n");
  const body = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
  const put = await bucket.put(key, body, {
    onlyIf: etag ? { etagMatches: etag } : undefined,
    httpMetadata: { contentType: "application/jsonl", contentEncoding: "gzip" },
    customMetadata: { count: String(rows.length), first: rows[0]!.id, last: rows.at(-1)!.id },
  });
  if (!put) throw new Error(`archive object ${key} changed while it was rewritten`);
  const written = await readArchivedDay(bucket, key);
  if (written?.map((row) => row.id).join() !== rows.map((row) => row.id).join()) throw new Error(`archive object ${key} did not read back as written`);
}

/** The object's rows with `fresh` replacing any of the same id (D1's copy is the newer), in id order. */
function merged(held: StoredMessage[], fresh: StoredMessage[]): StoredMessage[] {
  const byId = new Map(held.map((row) => [row.id, row]));
  for (const row of fresh) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Days moved per message database a run: 14,400 (account, shard, day) objects a database a day, each day's
 * rows held in memory once (a Worker has 128 MB: about 50,000 messages of one account, shard and day).
 */
const DAYS_PER_RUN = 10;

/**
 * Moves up to DAYS_PER_RUN days of messages of each message database to the archive; how many rows moved.
 * Each is the day of the oldest final message below the hot boundary; an account under a shard move is left
 * alone until the move ends, and a day that has begun to expire is left to retention (which deletes rows
 * below the same instant's cut-off, so the two never hold the same row).
 */
export async function archiveColdMessages(env: Env, control: Control, nowMs: number, daysPerRun = DAYS_PER_RUN): Promise<number> {
  const boundary = hotBoundaryId(nowMs, loadConfig(env).archiveHotDays);
  const [moves, overrides] = await Promise.all([activeMoves(control.db), retentionOverrides(control.db)]);
  const retention = new Map(overrides.map((override) => [override.accountId, override.days]));
  const skip = [...new Set(moves.map((move) => move.accountId))];
  let moved = 0;
  for (const db of messageDatabases(env)) {
    // An account whose oldest day has begun to expire is passed over, not waited for: one account's backlog
    // for retention must not hold up every other account's archive on this database.
    const passed = [...skip];
    let days = 0;
    for (let step = 0; days < daysPerRun && step < daysPerRun * 5; step++) {
      const next = await oldestArchivable(db, boundary, passed);
      if (!next) break;
      const day = dayOfId(next.id);
      if (Date.parse(`${day}T00:00:00Z`) < nowMs - (retention.get(next.accountId) ?? RETENTION_DAYS.default) * DAY_MS) {
        passed.push(next.accountId);
        continue;
      }
      days++;
      const shard = shardOfMessageId(next.id);
      const rows = await archivableRows(db, next.accountId, shardSuffix(shard), dayIdRange(day));
      const key = archiveKey(next.accountId, shard, day);
      const held = await readArchivedObject(env.ARCHIVE, key);
      await writeArchivedDay(env.ARCHIVE, key, merged(held?.rows ?? [], rows), held?.etag);
      await deleteArchivedRows(db, rows);
      moved += rows.length;
    }
  }
  return moved;
}

/**
 * Rewrites the archived message in its object without its content (as a redacted row holds it, with
 * projection_seq raised as the row's redaction raises it); false when the archive does not hold it.
 */
export async function redactArchived(env: Env, accountId: string, messageId: string, redactedAt: number): Promise<boolean> {
  const key = archiveKeyOf(accountId, messageId);
  const held = await readArchivedObject(env.ARCHIVE, key);
  const index = held?.rows.findIndex((row) => row.id === messageId) ?? -1;
  if (!held || index < 0) return false;
  const row = held.rows[index]!;
  if (row.redactedAt) return true;
  held.rows[index] = { ...row, ...redactedMessage(row, redactedAt), projectionSeq: row.projectionSeq + 1 };
  await writeArchivedDay(env.ARCHIVE, key, held.rows, held.etag);
  return true;
}
