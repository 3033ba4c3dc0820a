// Reading archived messages: one by id (the index row of the part claiming
// its id, read with the retrieve's own D1 query, then one R2 read), and a
// list's page past the hot window, read part by part from the index in list
// order with the same keyset cursor D1's pages use. Late changes are laid
// over the rows they reach.
import { archivedLookup, changesBetween, type HeldChange, type IdBounds, partsInOrder } from "../db/archive-index.ts";
import type { Database } from "../db/client.ts";
import type { ArchivePart, RowFilters } from "../domain/archive.ts";
import { dayAndShardOf, dayIdRange, dayOfId, matchesFilters, partKey } from "../domain/archive.ts";
import { type Cursor, positionAbove, positionBelow } from "../domain/cursor.ts";
import { firstIdAt } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import type { ShardPage } from "../domain/page-merge.ts";
import { readArchivedPart, withChange, withChanges } from "./archive-objects.ts";

/** Where the archive would hold a message: its part's index row (none when its day is not archived) and its late change. */
export type ArchivedLookup = { part: ArchivePart | undefined; change: HeldChange | undefined };

/** The index's answer for one message id (one control-database batch, run beside the message database's query). */
export function lookUpArchived(controlDb: Database, accountId: string, id: string): Promise<ArchivedLookup> {
  return archivedLookup(controlDb, dayAndShardOf(accountId, id), id);
}

/** The archived message from the one object its lookup names, with its late change laid over it. */
export async function readArchivedMessage(env: Env, lookup: ArchivedLookup, id: string): Promise<Message | undefined> {
  if (!lookup.part) return undefined;
  const row = (await readArchivedPart(env.ARCHIVE, partKey(lookup.part)))?.find((each) => each.id === id);
  return row && withChange(row, lookup.change);
}

/**
 * Parts one list page reads at most (one R2 GET each, and a query of their late changes), however little of them its
 * filter matches: a `to=` that matches one message a part would otherwise read a year's parts (thousands of GETs) in
 * one request, past the Worker's subrequest limit and its time. At 20 a page costs at most 20 R2 GETs (each up to
 * PART_SIZE rows to unzip and parse, about 4 MB at most), 21 control queries and the shards' own; a page that reaches
 * it ends where its read stopped, and its cursor resumes there.
 */
const PARTS_PER_PAGE = 20;

/** Parts asked of the index at a time: a page's and the one after, which says which rows it may show. */
const PARTS_PER_QUERY = PARTS_PER_PAGE + 1;

const lower = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a < b ? a : b);
const higher = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined || a > b ? a : b);

/**
 * The ids a page may hold: past the cursor, inside a created range. A part lies inside one day, so one holding ids
 * below an id ends before that id's day does, and one holding ids above it starts after that day began: the
 * index's scan starts there, not at the account's newest (or oldest) part.
 */
function boundsOf(filters: RowFilters, cursor: Cursor | null): IdBounds {
  const below = cursor?.dir === "next" ? cursor.id : undefined;
  const above = cursor?.dir === "prev" ? cursor.id : undefined;
  const from = filters.createdGte === undefined ? undefined : firstIdAt("msg", filters.createdGte * 1000);
  const to = filters.createdLte === undefined ? undefined : firstIdAt("msg", (filters.createdLte + 1) * 1000);
  const dayEnd = (id: string | undefined) => id && dayIdRange(dayOfId(id)).to;
  const dayStart = (id: string | undefined) => id && dayIdRange(dayOfId(id)).from;
  return { below, above, from, to, lastBelow: lower(dayEnd(below), dayEnd(to)), firstAbove: higher(dayStart(above), dayStart(from)) };
}

/**
 * The archive's page of the account's messages, newest first. A "next" page (or the first) reads parts in order
 * of their last id downward, a "prev" page in order of their first id upward (the parts of one day on different
 * shards overlap), filtering in memory, until `limit` + 1 rows are found that no unread part can come before, or
 * PARTS_PER_PAGE parts are read: then the page is the rows no unread part can come before (fewer than `limit`, maybe
 * none) and `resume` the position next to the next part's reach, where the following page's cursor starts. A stop
 * must pass the cursor (a page read from a resume position may first read again the parts of other shards reaching
 * across it, one a shard): a page reads past the cap until it does.
 */
export async function archivePage(
  env: Env,
  controlDb: Database,
  accountId: string,
  filters: RowFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<ShardPage<Message>> {
  const backwards = cursor?.dir === "prev";
  const bounds = boundsOf(filters, cursor);
  const beyond = (id: string) => !cursor || (backwards ? id > cursor.id : id < cursor.id);
  // How far an unread part can reach into the page: its last id going down, its first going up.
  const reach = (part: ArchivePart) => (backwards ? part.firstId : part.lastId);
  const settled = (id: string, next: ArchivePart | undefined) => !next || (backwards ? id < reach(next) : id > reach(next));
  // The position a following page starts at to read the next part whole: just past its reach, towards the cursor.
  const resumeBefore = (next: ArchivePart) => (backwards ? positionBelow(reach(next)) : positionAbove(reach(next)));
  const found = new Map<string, Message>();
  let resume: string | undefined;
  let reads = 0;
  let queue = await partsInOrder(controlDb, accountId, bounds, backwards, PARTS_PER_QUERY);
  while (queue.length > 0) {
    if (reads >= PARTS_PER_PAGE && beyond(resumeBefore(queue[0]!))) {
      resume = resumeBefore(queue[0]!);
      break;
    }
    const part = queue.shift()!;
    if (queue.length === 0) {
      const after = backwards ? { ...bounds, firstAbove: part.firstId } : { ...bounds, lastBelow: part.lastId };
      queue = await partsInOrder(controlDb, accountId, after, backwards, PARTS_PER_QUERY);
    }
    const rows = (await readArchivedPart(env.ARCHIVE, partKey(part))) ?? [];
    reads++;
    const changes = rows.length === 0 ? [] : await changesBetween(controlDb, accountId, rows[0]!.id, rows.at(-1)!.id);
    for (const row of withChanges(rows, changes)) if (beyond(row.id) && matchesFilters(row, filters)) found.set(row.id, row);
    if ([...found.keys()].filter((id) => settled(id, queue[0])).length > limit) break;
  }
  const shown = resume === undefined ? [...found.values()] : [...found.values()].filter((row) => settled(row.id, queue[0]));
  const items = shown.sort((a, b) => (a.id < b.id ? 1 : -1) * (backwards ? -1 : 1));
  const page = items.slice(0, limit);
  const inOrder = backwards ? page.reverse() : page;
  return resume === undefined ? { items: inOrder, hasMore: items.length > limit } : { items: inOrder, hasMore: true, resume };
}
