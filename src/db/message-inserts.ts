// Many messages in one statement: the rows travel as one JSON parameter (D1
// binds at most 100 parameters a statement, and a message has 32 columns)
// and SQLite spreads them with json_each. A batch create sends one D1 batch
// of these statements per message database, which D1 runs as one transaction:
// every row of that database is stored, or none.
import { getTableColumns, sql } from "drizzle-orm";
import { type Database, prepared } from "./client.ts";
import type { NewMediaRow } from "./media.ts";
import { messageMedia } from "./media-schema.ts";
import { messages } from "./message-schema.ts";
import { FOLD_INSERTS_FROM, insertsWithUsageFold } from "./usage-fold.ts";

/** Rows per statement, and the most JSON text one statement's parameter carries (D1 takes up to 2 MB a value). */
const INSERT_CHUNK = { rows: 100, bytes: 1_000_000 } as const;

// Every column, in the table's order (drizzle's INSERT ... SELECT names them
// all); the projection counter starts at 0, as its default.
const COLUMNS = Object.entries(getTableColumns(messages));
const VALUES = sql.raw(COLUMNS.map(([key, column]) => (key === "projectionSeq" ? "0" : `json_extract(value, '$."${column.name}"')`)).join(", "));

type Row = Record<string, unknown>;

/** The rows as JSON objects keyed by column name; a JSON column's object is extracted as its JSON text, as drizzle stores it. */
function encode(rows: readonly object[]): string[] {
  return rows.map((row) => JSON.stringify(Object.fromEntries(COLUMNS.map(([key, column]) => [column.name, (row as Row)[key] ?? null]))));
}

/** One INSERT per chunk of the rows (in order), within INSERT_CHUNK. */
function insertMessagesStatements(db: Database, rows: readonly object[]) {
  const statements: ReturnType<typeof insertStatement>[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const encoded of encode(rows)) {
    if (chunk.length > 0 && (chunk.length >= INSERT_CHUNK.rows || bytes + encoded.length > INSERT_CHUNK.bytes)) {
      statements.push(insertStatement(db, chunk));
      chunk = [];
      bytes = 0;
    }
    chunk.push(encoded);
    bytes += encoded.length + 1;
  }
  if (chunk.length > 0) statements.push(insertStatement(db, chunk));
  return statements;
}

function insertStatement(db: Database, encodedRows: string[]) {
  return db.insert(messages).select(sql`SELECT ${VALUES} FROM json_each(${`[${encodedRows.join(",")}]`})`);
}

/** Media references per statement: 8 columns each, within D1's 100 bound parameters. */
const MEDIA_CHUNK = Math.floor(100 / Object.keys(getTableColumns(messageMedia)).length);

/**
 * Stores the rows, and their references to their files, on one message
 * database in one round trip (one D1 batch, one transaction): a reference
 * never names a message that was not stored. Their usage is added per group
 * when there are enough of them (src/db/usage-fold.ts).
 */
export async function insertMessages(db: Database, rows: readonly { id: string }[], media: readonly NewMediaRow[] = []): Promise<void> {
  const inserts = insertMessagesStatements(db, rows).map((insert) => prepared(db, insert));
  const refs = [];
  for (let i = 0; i < media.length; i += MEDIA_CHUNK) refs.push(prepared(db, db.insert(messageMedia).values(media.slice(i, i + MEDIA_CHUNK))));
  const statements =
    rows.length >= FOLD_INSERTS_FROM
      ? insertsWithUsageFold(
          db,
          rows.map((row) => row.id),
          inserts,
        )
      : inserts;
  if (statements.length + refs.length > 0) await db.$client.batch([...statements, ...refs]);
}
