// The R2 archive: final messages older than the hot window (ARCHIVE_HOT_DAYS)
// move from the message databases to R2, per account, shard (the id's) and
// UTC day, in parts of at most PART_SIZE messages cut at id boundaries
// (<account>/<shard>/<day>/<part>.jsonl.gz), each part indexed by a row in the
// control database (src/db/archive-index.ts). A step moves one part's worth:
// the part's object is written and read back, then its index row saved, and
// only then the rows deleted; a crash between any two leaves the rows in D1
// (read first) and the next run writes the same part again, merged by id:
// nothing is lost and nothing is held twice once a run completes.

import { loadConfig } from "../config.ts";
import { archivableRows, deleteArchivedRows, oldestArchivable, type StoredMessage } from "../db/archive.ts";
import { archivedLookup, changesBetween, dayParts, forgetChanges, oldestChanges, savePart } from "../db/archive-index.ts";
import type { Database } from "../db/client.ts";
import { database } from "../db/client.ts";
import { retentionOverrides } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { messageDatabases } from "../db/shards.ts";
import { redactedMessage } from "../delivery/redaction.ts";
import { type ArchivePart, claimant, DAY_MS, dayAndShardOf, dayIdRange, dayOfId, hotBoundaryId, partKey } from "../domain/archive.ts";
import { shardSuffix } from "../domain/ids.ts";
import { RETENTION_DAYS } from "../domain/retention.ts";
import { batchTallies, merged, readArchivedObject, withChanges, writeArchivedPart } from "./archive-objects.ts";
import type { Control } from "./control.ts";

/** Messages per part, at most: a day of any size is as many parts, written over as many steps. */
const PART_SIZE = 5_000;
/**
 * Characters per part, at most (a step holds its rows a few times over: D1's answer, the JSON, its UTF-8 bytes,
 * and the read-back; about 2 bytes a character in memory): well inside a Worker's 128 MB. An SMS's row is about
 * 1,000 characters, so 5,000 of them fit; an email's may be 200,000 (its 100,000-character body as given and as
 * rendered), and then a part holds 20.
 */
const PART_CHARS = 4_000_000;
/** Steps (parts written) per message database a run: 50,000 messages a minute each. */
const STEPS_PER_RUN = 10;
/** Late changes folded into their parts a run (one part rewritten for each, at most). */
const FOLDS_PER_RUN = 20;

export interface ArchiveRun {
  partSize: number;
  partChars: number;
  stepsPerRun: number;
}

/**
 * Moves up to `stepsPerRun` parts of each message database to the archive, then folds late changes into their
 * parts; how many rows moved. Each step takes the day of the oldest final message below the hot boundary; an
 * account under a shard move is left alone until the move ends, and a day that has begun to expire is left to
 * retention (which deletes rows below the same instant's cut-off, so the two never hold the same row).
 */
export async function archiveColdMessages(env: Env, control: Control, nowMs: number, run: Partial<ArchiveRun> = {}): Promise<number> {
  const { stepsPerRun, ...part } = { partSize: PART_SIZE, partChars: PART_CHARS, stepsPerRun: STEPS_PER_RUN, ...run };
  const boundary = hotBoundaryId(nowMs, loadConfig(env).archiveHotDays);
  const [moves, overrides] = await Promise.all([activeMoves(control.db), retentionOverrides(control.db)]);
  const retention = new Map(overrides.map((override) => [override.accountId, override.days]));
  const skip = [...new Set(moves.map((move) => move.accountId))];
  let moved = 0;
  for (const db of messageDatabases(env)) {
    // An account whose oldest day has begun to expire is passed over, not waited for: one account's backlog
    // for retention must not hold up every other account's archive on this database.
    const passed = [...skip];
    let steps = 0;
    for (let look = 0; steps < stepsPerRun && look < stepsPerRun * 5; look++) {
      const next = await oldestArchivable(db, boundary, passed);
      if (!next) break;
      const day = dayOfId(next.id);
      if (Date.parse(`${day}T00:00:00Z`) < nowMs - (retention.get(next.accountId) ?? RETENTION_DAYS.default) * DAY_MS) {
        passed.push(next.accountId);
        continue;
      }
      steps++;
      moved += await archiveStep(env, control.db, db, dayAndShardOf(next.accountId, next.id), part);
    }
  }
  await foldChanges(env, control.db, FOLDS_PER_RUN);
  return moved;
}

/**
 * One part's worth of a day's final rows into the part that claims them: a new part when the day's last one is
 * full, else the claimant rewritten with them (a full last part takes only rows inside what it holds).
 */
async function archiveStep(
  env: Env,
  controlDb: Database,
  db: Database,
  where: Pick<ArchivePart, "accountId" | "shard" | "day">,
  { partSize, partChars }: Omit<ArchiveRun, "stepsPerRun">,
) {
  // The rows before the index: a concurrent step that deleted rows has saved its part first, so this one sees it.
  const rows = await archivableRows(db, where.accountId, shardSuffix(where.shard), dayIdRange(where.day), { limit: partSize, chars: partChars });
  if (rows.length === 0) return 0;
  const parts = await dayParts(controlDb, where);
  const newPart = async (part: number, fromId: string) => {
    await writePart(env, controlDb, { ...where, part, fromId }, null, rows);
    await deleteArchivedRows(db, rows);
    return rows.length;
  };
  if (parts.length === 0) return newPart(0, dayIdRange(where.day).from);
  const { into, upTo } = claimant(parts, rows[0]!.id);
  const key = partKey(into);
  const next = Math.max(...parts.map((part) => part.part)) + 1;
  if (upTo === null && rows[0]!.id > into.lastId && into.count >= partSize) {
    // Full, and its object holds what its index row says (no write of it whose index row a crash lost): no read.
    const head = await env.ARCHIVE.head(key);
    if (!head || head.customMetadata?.last === into.lastId) return newPart(next, rows[0]!.id);
  }
  const held = await readArchivedObject(env.ARCHIVE, key);
  if (upTo !== null) {
    const taken = rows.filter((row) => row.id < upTo);
    await writePart(env, controlDb, into, held, taken);
    await deleteArchivedRows(db, taken);
    return taken.length;
  }
  const taken = withinRoom(held?.rows ?? [], rows, into.lastId, { partSize, partChars });
  // Rows past the cut that its object holds are from a write whose index row a crash lost: they are in D1 still,
  // and go to the next part, so they must leave this one (no message in two parts).
  const cut = taken.length === 0 || taken.at(-1)!.id < into.lastId ? into.lastId : taken.at(-1)!.id;
  if (taken.length > 0 || held?.rows.at(-1)?.id !== cut) await writePart(env, controlDb, into, held, taken, cut);
  if (taken.length === 0) return newPart(next, rows[0]!.id);
  await deleteArchivedRows(db, taken);
  return taken.length;
}

/**
 * The rows a day's last part takes: every one inside what it holds, then later ones while it has room, in messages
 * and in characters (one already in its object, from a write whose index row a crash lost, takes none).
 */
function withinRoom(held: StoredMessage[], rows: StoredMessage[], lastId: string, room: Omit<ArchiveRun, "stepsPerRun">): StoredMessage[] {
  const size = (row: StoredMessage) => JSON.stringify(row).length;
  const ids = new Set(held.map((row) => row.id));
  let chars = held.reduce((sum, row) => sum + size(row), 0);
  const taken = rows.filter((row) => row.id <= lastId);
  for (const row of taken) ids.add(row.id);
  for (const row of rows) {
    if (row.id <= lastId) continue;
    if (!ids.has(row.id)) {
      if (ids.size >= room.partSize || chars + size(row) > room.partChars) break;
      chars += size(row);
    }
    ids.add(row.id);
    taken.push(row);
  }
  return taken;
}

/**
 * Writes a part: its object as held, with `fresh` merged in and its late changes folded, then its index row. `cut`:
 * for a day's last part, the last id it keeps (rows of a crashed write past it are in D1 still, and go to the
 * next part); null keeps every row.
 */
async function writePart(
  env: Env,
  controlDb: Database,
  part: Pick<ArchivePart, "accountId" | "shard" | "day" | "part" | "fromId">,
  held: { rows: StoredMessage[]; etag: string } | null,
  fresh: StoredMessage[],
  cut: string | null = null,
): Promise<void> {
  const all = merged(held?.rows ?? [], fresh).filter((row) => cut === null || row.id <= cut);
  if (all.length === 0) return;
  // The range holds the account's messages of its other shards too: only this part's own are folded.
  const ids = new Set(all.map((row) => row.id));
  const changes = (await changesBetween(controlDb, part.accountId, all[0]!.id, all.at(-1)!.id)).filter((held) => ids.has(held.messageId));
  const rows = withChanges(all, changes);
  await writeArchivedPart(env.ARCHIVE, partKey(part), rows, held?.etag);
  const index = { ...part, firstId: rows[0]!.id, lastId: rows.at(-1)!.id, count: rows.length };
  await savePart(controlDb, index, batchTallies(rows), changes);
}

/**
 * Folds the oldest late changes into their parts' objects (each part rewritten once, with all of its changes), so
 * the table of changes stays small. A change no part holds the message of (it reached a message retention deleted,
 * through a projection still queued) is dropped: otherwise it would stay first in line for ever.
 */
async function foldChanges(env: Env, controlDb: Database, limit: number): Promise<void> {
  const done = new Set<string>();
  for (const { accountId, messageId } of await oldestChanges(controlDb, limit)) {
    const { part } = await archivedLookup(controlDb, dayAndShardOf(accountId, messageId), messageId);
    const key = part && partKey(part);
    if (key && done.has(key)) continue;
    const held = key ? await readArchivedObject(env.ARCHIVE, key) : null;
    if (!part || !held?.rows.some((row) => row.id === messageId)) {
      await forgetChanges(controlDb, accountId, [messageId]);
      continue;
    }
    done.add(partKey(part));
    await writePart(env, controlDb, part, held, []);
  }
}

/**
 * Rewrites the archived message in its part without its content (as a redacted row holds it, with
 * projection_seq raised as the row's redaction raises it); false when the archive does not hold it.
 */
export async function redactArchived(env: Env, accountId: string, messageId: string, redactedAt: number): Promise<boolean> {
  const controlDb = database(env.CONTROL_DB);
  const { part } = await archivedLookup(controlDb, dayAndShardOf(accountId, messageId), messageId);
  if (!part) return false;
  const held = await readArchivedObject(env.ARCHIVE, partKey(part));
  const index = held?.rows.findIndex((row) => row.id === messageId) ?? -1;
  if (!held || index < 0) return false;
  const row = held.rows[index]!;
  if (row.redactedAt) return true;
  held.rows[index] = { ...row, ...redactedMessage(row, redactedAt), projectionSeq: row.projectionSeq + 1 };
  await writeArchivedPart(env.ARCHIVE, partKey(part), held.rows, held.etag);
  return true;
}
