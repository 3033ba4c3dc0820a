// What one message costs a message database, measured on its schema: the
// messages migrations applied to a plain SQLite file (node:sqlite), rows
// written by the bench's own seed statement. For npm run capacity.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { gzipSync } from "node:zlib";
import { seedMessagesSql } from "./seed-sql.ts";

const MIGRATIONS = path.resolve(import.meta.dirname, "..", "migrations/messages");
export const SAMPLE_ROWS = 20_000;

/** The columns a status projection sets (src/db/projections.ts). */
const PROJECTED_COLUMNS = [
  "status",
  "delivered_at",
  "provider_latency_ms",
  "error_code",
  "error_message",
  "attempts",
  "delivered_channel",
  "projection_seq",
  "updated_at",
];

export interface SchemaCost {
  /** Bytes a stored message takes, its index entries included. */
  bytesPerMessage: number;
  /**
   * D1 bills a written row per index entry written too: an insert writes the entries of the indexes that hold the
   * row (a partial index only when the row meets its WHERE), a status projection those of the indexes that hold a
   * column it sets and hold the row afterwards (averaged over an SMS's two: sent, delivered).
   */
  rowsPerInsert: number;
  rowsPerProjection: number;
  /** The indexes an SMS's insert writes an entry in, and each of its two projections (sent, delivered) rewrites. */
  insertEntries: string[];
  projectionEntries: string[][];
  indexes: number;
  /** SQLite's own time per statement on this machine (D1's per-call time is published). */
  insertMs: number;
  projectionMs: number;
  /** A row as an archive would keep it (its JSON, as stored), and the same gzipped a day's worth at a time (the seeded rows' content is all alike: a floor). */
  archivedBytesPerMessage: number;
  archivedGzipBytesPerMessage: number;
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

    // A WITHOUT ROWID table lists its primary key as an index ("pk"): that is the table itself, the row counted once.
    const withoutRowid = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages'").get() as { sql: string }).sql.includes("WITHOUT ROWID");
    const listed = db.prepare("PRAGMA index_list(messages)").all() as { name: string; partial: number; origin: string }[];
    const indexes = listed
      .filter((index) => !(withoutRowid && index.origin === "pk"))
      .map(({ name, partial }) => {
        const columns = (db.prepare(`PRAGMA index_info(${JSON.stringify(name)})`).all() as { name: string }[]).map((column) => column.name);
        const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name) as { sql: string | null };
        const where = partial === 1 ? (/\bWHERE\b([\s\S]*)$/i.exec(sql ?? "")?.[1] ?? null) : null;
        return { name, columns, where };
      });
    // Rows written as the runtime counts them (D1's meta.rows_written, checked by test/messages/list-indexes.happy.test.ts):
    // the row, plus one per index entry written. An insert writes an entry in every index whose WHERE the row meets; an
    // update rewrites the entry of each index that holds a column it sets (in its key or its WHERE) and that holds the
    // row afterwards (an entry removed is not counted).
    const holds = (index: (typeof indexes)[number], id: string) =>
      index.where === null || (db.prepare(`SELECT (${index.where}) AS held FROM messages WHERE id = ?`).get(id) as { held: number }).held === 1;
    const mentions = (index: (typeof indexes)[number], columns: string[]) =>
      columns.some((column) => index.columns.includes(column) || new RegExp(`\\b${column}\\b`).test(index.where ?? ""));
    const [sample] = (db.prepare("SELECT id FROM messages WHERE account_id = 'acct_capacity' LIMIT 1").all() as { id: string }[]).map((row) => row.id);
    // An SMS's life: inserted queued, then projected sent, then delivered.
    db.prepare("UPDATE messages SET status = 'queued', delivered_at = NULL WHERE id = ?").run(sample!);
    const insertEntries = indexes.filter((index) => holds(index, sample!)).map((index) => index.name);
    const projectionEntries = ["sent", "delivered"].map((status) => {
      db.prepare("UPDATE messages SET status = ?, updated_at = updated_at + 1, projection_seq = projection_seq + 1 WHERE id = ?").run(status, sample!);
      return indexes.filter((index) => mentions(index, PROJECTED_COLUMNS) && holds(index, sample!)).map((index) => index.name);
    });
    const projectionRows = projectionEntries.map((entries) => 1 + entries.length);

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
    const rows = (db.prepare("SELECT * FROM messages WHERE account_id = 'acct_capacity'").all() as object[]).map((row) => `${JSON.stringify(row)}\n`);
    const archived = Buffer.from(rows.join(""));
    return {
      archivedBytesPerMessage: archived.length / rows.length,
      archivedGzipBytesPerMessage: gzipSync(archived).length / rows.length,
      bytesPerMessage,
      rowsPerInsert: 1 + insertEntries.length,
      insertEntries,
      projectionEntries,
      rowsPerProjection: projectionRows.reduce((a, b) => a + b, 0) / projectionRows.length,
      indexes: indexes.length,
      insertMs,
      projectionMs,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
