// What one message costs a message database, measured on its schema: the
// messages migrations applied to a plain SQLite file (node:sqlite), rows
// written by the bench's own seed statement. For npm run capacity.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { seedMessagesSql } from "./seed-sql.ts";

const MIGRATIONS = path.resolve(import.meta.dirname, "..", "migrations/messages");
export const SAMPLE_ROWS = 20_000;

export interface SchemaCost {
  /** Bytes a stored message takes, its index entries included. */
  bytesPerMessage: number;
  /** D1 bills a written row per index entry changed too: the insert touches every index, a status projection those holding its status. */
  rowsPerInsert: number;
  rowsPerProjection: number;
  indexes: number;
  /** SQLite's own time per statement on this machine (D1's per-call time is published). */
  insertMs: number;
  projectionMs: number;
}

export function measureSchema(): SchemaCost {
  const dir = mkdtempSync(path.join(os.tmpdir(), "omniflow-capacity-"));
  const db = new DatabaseSync(path.join(dir, "messages.sqlite"));
  // Statement time without this disk's fsync: D1's durability is in its published per-call time.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
  try {
    const migrations = readdirSync(MIGRATIONS)
      .filter((file) => file.endsWith(".sql"))
      .sort();
    for (const file of migrations) db.exec(readFileSync(path.join(MIGRATIONS, file), "utf8").replaceAll("--> statement-breakpoint", ""));
    const size = () => {
      const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
      const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
      return page_count * page_size;
    };
    const empty = size();
    db.exec(seedMessagesSql({ accountId: "acct_capacity", count: SAMPLE_ROWS, startMs: Date.UTC(2026, 0, 1), shards: [0] }));
    const bytesPerMessage = (size() - empty) / SAMPLE_ROWS;

    const indexes = (db.prepare("PRAGMA index_list(messages)").all() as { name: string; partial: number }[]).map(({ name, partial }) => {
      const columns = (db.prepare(`PRAGMA index_info(${JSON.stringify(name)})`).all() as { name: string }[]).map((column) => column.name);
      const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name) as { sql: string | null };
      return { columns, statusDependent: columns.includes("status") || columns.includes("updated_at") || (partial === 1 && /status/.test(sql ?? "")) };
    });

    const timed = (count: number, statement: (i: number) => void) => {
      const start = performance.now();
      for (let i = 0; i < count; i++) statement(i);
      return (performance.now() - start) / count;
    };
    const insertMs = timed(2_000, (i) => db.exec(seedMessagesSql({ accountId: "acct_capacity_2", count: 1, startMs: Date.UTC(2026, 1, 1) + i, shards: [0] })));
    const ids = (db.prepare("SELECT id FROM messages WHERE account_id = 'acct_capacity' LIMIT 2000").all() as { id: string }[]).map((row) => row.id);
    // A projection as the consumer writes it: the status, its time, and the sequence that orders projections.
    const update = db.prepare(
      "UPDATE messages SET status = 'read', updated_at = ?, projection_seq = projection_seq + 1 WHERE id = ? AND account_id = 'acct_capacity'",
    );
    const projectionMs = timed(ids.length, (i) => update.run(1_800_000_000 + i, ids[i]!));
    return {
      bytesPerMessage,
      rowsPerInsert: 1 + indexes.length,
      rowsPerProjection: 1 + indexes.filter((index) => index.statusDependent).length,
      indexes: indexes.length,
      insertMs,
      projectionMs,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
