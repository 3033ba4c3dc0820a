// The R2 archive's index (src/services/archive.ts), in the control database:
// a shard move of an account leaves it where it is, and every archived read
// finds its object here without listing the bucket.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ArchivedChange } from "../domain/archive.ts";

// One row per archived part: the messages of one account, born on one shard, of one UTC day, whose ids are in
// [from_id, the next part's from_id) (the day's first part from the day's first id, its last to the day's end).
// Its object is <account_id>/<shard>/<day>/<part>.jsonl.gz; first_id, last_id and count are what it holds.
export const archiveParts = sqliteTable(
  "archive_parts",
  {
    accountId: text("account_id").notNull(),
    shard: integer("shard").notNull(),
    day: text("day").notNull(),
    part: integer("part").notNull(),
    fromId: text("from_id").notNull(),
    firstId: text("first_id").notNull(),
    lastId: text("last_id").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.shard, t.day, t.part] }),
    // A retrieve's part: the last from_id at or below the id, of its shard and day.
    index("archive_parts_claim_idx").on(t.accountId, t.shard, t.day, t.fromId),
    // A list's parts, newest first ("next") and oldest first ("prev"); retention's oldest days.
    index("archive_parts_last_idx").on(t.accountId, t.lastId),
    index("archive_parts_first_idx").on(t.accountId, t.firstId),
  ],
);

// A status change that reached an archived message after its row had left D1 (a late WhatsApp read, a late
// receipt): the projection as the row would have taken it, applied by reads over the archived row when its seq is
// newer, and folded into the part's object by the archive's next rewrite of that part, which then deletes it.
export const archivedChanges = sqliteTable(
  "archived_changes",
  {
    accountId: text("account_id").notNull(),
    messageId: text("message_id").notNull(),
    seq: integer("seq").notNull(),
    change: text("change", { mode: "json" }).notNull().$type<ArchivedChange>(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.messageId] }),
    // The run folds the oldest first.
    index("archived_changes_seq_idx").on(t.seq),
  ],
);

// A part's messages of each batch, by status, as its object holds them (rewritten with it): GET /v1/batches/:id
// adds them to the counts its message databases give.
export const archivedBatchCounts = sqliteTable(
  "archived_batch_counts",
  {
    accountId: text("account_id").notNull(),
    batchId: text("batch_id").notNull(),
    shard: integer("shard").notNull(),
    day: text("day").notNull(),
    part: integer("part").notNull(),
    status: text("status").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.batchId, t.shard, t.day, t.part, t.status] }),
    index("archived_batch_counts_part_idx").on(t.accountId, t.shard, t.day, t.part),
  ],
);

// The lease on an account's archive (src/services/archive-lease.ts): the run, fold or expiry that rewrites its parts
// holds it until lease_until (ms), so two never rewrite the same day at once; `holder` is the taker's own token, which
// every index write of the holder checks in the same batch (a holder that lost it writes nothing). Retention's task on
// a message database takes the same kind of lease under the key `retention:shard:<n>` in account_id
// (src/services/retention-tasks.ts), no account's id, so one chain works a database at a time.
export const archiveLeases = sqliteTable("archive_leases", {
  accountId: text("account_id").primaryKey(),
  holder: text("holder").notNull(),
  leaseUntil: integer("lease_until").notNull(),
});
