// One list over several databases: each shard is read with the same keyset
// cursor and limit, and the pages are merged into the page one database
// holding every row would have given. Exact, with no OFFSET and no refetch:
// each of the true first `limit` rows is among the first `limit` of its own
// shard, so it is in that shard's page.

export interface ShardPage<T> {
  /** In list order (a "prev" page too), at most `limit`. */
  items: T[];
  /** More rows beyond this page in the direction of travel. */
  hasMore: boolean;
}

/**
 * The merged page. `order` is the list order of ids; `backwards` a "prev"
 * read, whose page is the `limit` rows nearest the cursor, i.e. the last ones
 * in list order. A row found on two shards (while an account is moved between
 * them) is taken once, from the first page that has it: the caller passes the
 * shard that holds it first.
 */
export function mergePages<T extends { id: string }>(pages: ShardPage<T>[], limit: number, order: "asc" | "desc", backwards: boolean): ShardPage<T> {
  const byId = new Map<string, T>();
  for (const page of pages) for (const item of page.items) if (!byId.has(item.id)) byId.set(item.id, item);
  const sign = order === "asc" ? 1 : -1;
  const sorted = [...byId.values()].sort((a, b) => (a.id < b.id ? -sign : a.id > b.id ? sign : 0));
  const items = backwards ? sorted.slice(Math.max(0, sorted.length - limit)) : sorted.slice(0, limit);
  return { items, hasMore: sorted.length > limit || pages.some((page) => page.hasMore) };
}
