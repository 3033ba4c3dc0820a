// The control database's shard tables: the shard map and the operator's
// moves of accounts between message databases. Part of the control schema:
// drizzle.config.ts reads this file and control-schema.ts into migrations/control.
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The shard map: every message database (shard N is the binding MESSAGES_DB_N)
// and how full it is. `npm run db:migrate` registers the shards wrangler.toml
// declares; the every-minute maintenance measures their size. A new account
// gets the open shard that holds the least (src/db/shard-map.ts).
export const messageShards = sqliteTable("message_shards", {
  shard: integer("shard").primaryKey(),
  // Closed: takes no new accounts (its accounts' messages still go there).
  open: integer("open", { mode: "boolean" }).notNull().default(true),
  sizeBytes: integer("size_bytes").notNull().default(0),
  measuredAt: integer("measured_at"),
});

// An operator's move of an account's messages from one message database to
// another (`npm run shards -- move`), carried out in bounded steps by the
// every-minute maintenance (src/services/shard-move.ts). Each phase is
// persisted with its keyset cursor, so a step repeated after a crash resumes.
const SHARD_MOVE_PHASES = [
  "requested",
  "started",
  "copying",
  "verifying",
  "copying_keys",
  "sealing_keys",
  "flipped",
  "recopying",
  "recopying_keys",
  "deleting",
  "done",
  "failed",
] as const;

export const shardMoves = sqliteTable(
  "shard_moves",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: text("account_id").notNull(),
    fromShard: integer("from_shard").notNull(),
    toShard: integer("to_shard").notNull(),
    // The shards whose messages the move carries (from's own, and those moved
    // onto from before): fixed at the start, as the flip changes the placement.
    bornOn: text("born_on", { mode: "json" }).$type<number[]>(),
    phase: text("phase", { enum: SHARD_MOVE_PHASES }).notNull().default("requested"),
    // The last message id (or, copying keys, idempotency key) the phase has done.
    cursor: text("cursor"),
    // Verifying: the pass, and how many rows this pass had to repair.
    pass: integer("pass").notNull().default(0),
    repaired: integer("repaired").notNull().default(0),
    phaseStartedAt: integer("phase_started_at").notNull(),
    // A maintenance run holds the move until then, so two runs never step it at once.
    leaseUntil: integer("lease_until"),
    // Why it failed (failed), for `npm run shards -- list`.
    error: text("error"),
    requestedAt: integer("requested_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  // One move at a time per account.
  (t) => [uniqueIndex("shard_moves_active_account_idx").on(t.accountId).where(sql`${t.phase} NOT IN ('done', 'failed')`)],
);
