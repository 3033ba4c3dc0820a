// One list over several databases: each shard is read with the same keyset
// cursor and limit, and the pages are merged into the page one database
// holding every row would have given. Exact, with no OFFSET and no refetch:
// each of the true first `limit` rows is among the first `limit` of its own
// shard, so it is in that shard's page. A source may stop short of `limit`
// (the archive reads at most so many objects a page): the merged page then
// ends where that source stopped, and says so, so the next page starts there.

export interface ShardPage<T> {
  /** In list order (a "prev" page too), at most `limit`. */
  items: T[];
  /** More rows beyond this page in the direction of travel. */
  hasMore: boolean;
  /**
   * The read stopped short: every row before this keyset position in the direction of travel is in the page (fewer
   * than `limit`, maybe none), and the next page starts at it, as a cursor's id, rather than at the last item.
   */
  resume?: string;
  /** A page with no items, read from a cursor: the position a page back starts at (the way it came). */
  back?: string;
}

/**
 * The merged page. `order` is the list order of ids; `backwards` a "prev"
 * read, whose page is the `limit` rows nearest the cursor, i.e. the last ones
 * in list order. A row found on two shards (while an account is moved between
 * them) is taken once, from the first page that has it: the caller passes the
 * shard that holds it first. A page that stopped short bounds the merged one:
 * rows of other pages past its resume position wait for the next page.
 */
export function mergePages<T extends { id: string }>(pages: ShardPage<T>[], limit: number, order: "asc" | "desc", backwards: boolean): ShardPage<T> {
  const byId = new Map<string, T>();
  for (const page of pages) for (const item of page.items) if (!byId.has(item.id)) byId.set(item.id, item);
  const sign = order === "asc" ? 1 : -1;
  // Travelling towards higher ids: a cursor reads above its id, and the nearest stop is the lowest.
  const rising = (order === "asc") !== backwards;
  const stops = pages.flatMap((page) => (page.resume === undefined ? [] : [page.resume])).sort();
  const resume = rising ? stops[0] : stops.at(-1);
  const reached = (id: string) => resume === undefined || (rising ? id <= resume : id >= resume);
  const sorted = [...byId.values()].filter((item) => reached(item.id)).sort((a, b) => (a.id < b.id ? -sign : a.id > b.id ? sign : 0));
  const items = backwards ? sorted.slice(Math.max(0, sorted.length - limit)) : sorted.slice(0, limit);
  const hasMore = sorted.length > limit || pages.some((page) => page.hasMore);
  // Fewer than `limit` rows before the stop are all there are (a full page from any source would have filled it).
  return resume !== undefined && sorted.length < limit ? { items, hasMore, resume } : { items, hasMore };
}

/**
 * The positions the pages either side of this one start at, as cursor ids (null: no page that way): ahead, the page's
 * resume position or its last item in the direction of travel; back, its first item in that direction (or its
 * `back` position when it has none), when it was read from a cursor: paging one way, the other way always has at
 * least the item it came from.
 */
export function pageEdges(page: ShardPage<{ id: string }>, cursor: { dir: "next" | "prev" } | null): { next: string | null; prev: string | null } {
  const backwards = cursor?.dir === "prev";
  const [first, last] = [page.items[0]?.id, page.items.at(-1)?.id];
  const ahead = page.hasMore ? (page.resume ?? (backwards ? first : last)) : undefined;
  const behind = cursor === null ? undefined : ((backwards ? last : first) ?? page.back);
  return backwards ? { next: behind ?? null, prev: ahead ?? null } : { next: ahead ?? null, prev: behind ?? null };
}
