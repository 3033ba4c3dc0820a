// One step of the archive's move (src/services/archive.ts), under the account's
// lease: one part's worth of a day's final rows written into the part that
// claims them, then its index row saved, and only then the rows deleted. A
// crash between any two leaves the rows in D1 (read first) and the next step
// writes the same part again, merged by id; a step whose lease ran out (it
// stalled and another run took the account) saves no index row and deletes no row.

import { archivableRows, deleteArchivedRows, type StoredMessage } from "../db/archive.ts";
import { changesBetween, dayParts, savePart } from "../db/archive-index.ts";
import type { ArchiveLease } from "../db/archive-leases.ts";
import type { Database } from "../db/client.ts";
import { type ArchivePart, claimant, dayIdRange, partKey } from "../domain/archive.ts";
import { shardSuffix } from "../domain/ids.ts";
import { batchTallies, merged, readArchivedObject, withChanges, writeArchivedPart } from "./archive-objects.ts";

/** A part's bounds: at most this many messages, and about this many characters of rows. */
export interface PartBounds {
  partSize: number;
  partChars: number;
}

/**
 * One part's worth of a day's final rows into the part that claims them: a new part when the day's last one is
 * full, else the claimant rewritten with them (a full last part takes only rows inside what it holds). How many rows
 * left D1.
 */
export async function archiveStep(
  env: Env,
  controlDb: Database,
  db: Database,
  lease: ArchiveLease,
  where: Pick<ArchivePart, "accountId" | "shard" | "day">,
  { partSize, partChars }: PartBounds,
): Promise<number> {
  // The rows before the index: a step that deleted rows has saved its part first, so this one sees it.
  const rows = await archivableRows(db, where.accountId, shardSuffix(where.shard), dayIdRange(where.day), { limit: partSize, chars: partChars });
  if (rows.length === 0) return 0;
  const parts = await dayParts(controlDb, where);
  const write = (part: Pick<ArchivePart, "part" | "fromId">, held: Held, fresh: StoredMessage[], cut: string | null = null) =>
    writePart(env, controlDb, lease, { ...where, ...part }, held, fresh, cut);
  const moved = async (saved: boolean, taken: StoredMessage[]) => {
    if (!saved) return 0;
    await deleteArchivedRows(db, taken);
    return taken.length;
  };
  const newPart = async (part: number, fromId: string) => {
    // An object under the new part's key is a crashed step's whose index row was lost (its rows are still in D1):
    // replaced as read, and the write fails if another writer has put one there since.
    const orphan = await env.ARCHIVE.head(partKey({ ...where, part }));
    return moved(await write({ part, fromId }, { rows: [], etag: orphan?.etag ?? null }, rows), rows);
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
  const held = (await readArchivedObject(env.ARCHIVE, key)) ?? { rows: [], etag: null };
  if (upTo !== null) {
    const taken = rows.filter((row) => row.id < upTo);
    return moved(await write(into, held, taken), taken);
  }
  const taken = withinRoom(held.rows, rows, into.lastId, { partSize, partChars });
  // Rows past the cut that its object holds are from a write whose index row a crash lost: they are in D1 still,
  // and go to the next part, so they must leave this one (no message in two parts). Under the lease no other step
  // writes this part meanwhile, so they cannot be another run's rows whose D1 copies it is deleting.
  const cut = taken.length === 0 || taken.at(-1)!.id < into.lastId ? into.lastId : taken.at(-1)!.id;
  if ((taken.length > 0 || held.rows.at(-1)?.id !== cut) && !(await write(into, held, taken, cut))) return 0;
  if (taken.length === 0) return newPart(next, rows[0]!.id);
  return moved(true, taken);
}

/**
 * The rows a day's last part takes: every one inside what it holds, then later ones while it has room, in messages
 * and in characters (one already in its object, from a write whose index row a crash lost, takes none).
 */
function withinRoom(held: StoredMessage[], rows: StoredMessage[], lastId: string, room: PartBounds): StoredMessage[] {
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

/** A part's object as read: its rows and etag (null: there was none). */
export interface Held {
  rows: StoredMessage[];
  etag: string | null;
}

/**
 * Writes a part: its object as held, with `fresh` merged in and its late changes folded, then its index row, while
 * the lease is held; false when the lease was lost (no index row written). `cut`: for a day's last part, the last id
 * it keeps (rows of a crashed write past it are in D1 still, and go to the next part); null keeps every row.
 */
export async function writePart(
  env: Env,
  controlDb: Database,
  lease: ArchiveLease,
  part: Pick<ArchivePart, "accountId" | "shard" | "day" | "part" | "fromId">,
  held: Held,
  fresh: StoredMessage[],
  cut: string | null = null,
): Promise<boolean> {
  const all = merged(held.rows, fresh).filter((row) => cut === null || row.id <= cut);
  if (all.length === 0) return true;
  // The range holds the account's messages of its other shards too: only this part's own are folded.
  const ids = new Set(all.map((row) => row.id));
  const changes = (await changesBetween(controlDb, part.accountId, all[0]!.id, all.at(-1)!.id)).filter((change) => ids.has(change.messageId));
  const rows = withChanges(all, changes);
  await writeArchivedPart(env.ARCHIVE, partKey(part), rows, held.etag);
  const index = { ...part, firstId: rows[0]!.id, lastId: rows.at(-1)!.id, count: rows.length };
  return savePart(controlDb, lease, index, batchTallies(rows), changes);
}
