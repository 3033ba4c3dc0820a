// Runs SQL against OmniFlow's D1 databases through wrangler: the local ones
// that `wrangler dev` uses, or with remote=true the deployed ones. The control
// database (CONTROL_DB) unless a target names a message database's binding.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { unstable_readConfig } from "wrangler";
import type { Statement } from "./statement.ts";

export interface D1Target {
  remote: boolean;
  /** A wrangler config other than ./wrangler.toml (the bench's generated ones). */
  config?: string;
  /** Local state directory, as `wrangler dev --persist-to` (default .wrangler/state). */
  persistTo?: string;
  /** The database's binding (default CONTROL_DB; a shard is MESSAGES_DB_N). */
  binding?: string;
}

const CONTROL = "CONTROL_DB";
const SHARD_BINDING = /^MESSAGES_DB_(\d+)$/;

interface StatementResult {
  results: Record<string, unknown>[];
  success: boolean;
}

function targetArgs(target: D1Target): string[] {
  return [
    target.remote ? "--remote" : "--local",
    ...(target.config ? ["--config", target.config] : []),
    ...(target.persistTo ? ["--persist-to", target.persistTo] : []),
  ];
}

/** Executes the statements in one call and returns each statement's rows. */
export function executeSql(target: D1Target, sql: string): Record<string, unknown>[][] {
  let output: string;
  try {
    output = execFileSync("wrangler", ["d1", "execute", target.binding ?? CONTROL, ...targetArgs(target), "--json", "--command", sql], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    // With --json, wrangler reports the SQL error on stdout: {"error": {"text": ...}}.
    const stdout = (error as { stdout?: string }).stdout ?? "";
    const reason = /"text":\s*"([^"]*)"/.exec(stdout)?.[1] ?? (error as Error).message;
    throw new Error(`wrangler d1 execute failed: ${reason}`);
  }
  const parsed = JSON.parse(output) as StatementResult[];
  return parsed.map((statement) => statement.results ?? []);
}

/** Every D1 binding of the target's wrangler config, in its order. */
function d1Bindings(target: D1Target): string[] {
  const config = unstable_readConfig({ config: target.config ?? path.resolve(import.meta.dirname, "..", "wrangler.toml") });
  return config.d1_databases.map((db: { binding: string }) => db.binding);
}

/** The message databases (shards) of the target's wrangler config. */
function shardBindings(target: D1Target): { shard: number; binding: string }[] {
  return d1Bindings(target).flatMap((binding) => {
    const match = SHARD_BINDING.exec(binding);
    return match ? [{ shard: Number(match[1]), binding }] : [];
  });
}

/**
 * Applies the migrations of every database the config declares (the control
 * database's and, to each message database, the messages'), then registers
 * every message database in the shard map: `npm run db:migrate`.
 */
export function applyMigrations(target: D1Target, { quiet = false } = {}): void {
  const bindings = d1Bindings(target);
  for (const binding of bindings) {
    execFileSync("wrangler", ["d1", "migrations", "apply", binding, ...targetArgs(target)], {
      stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
      env: { ...process.env, CI: "true" },
    });
  }
  const shards = shardBindings(target);
  if (bindings.includes(CONTROL) && shards.length > 0) {
    executeSql({ ...target, binding: CONTROL }, `INSERT OR IGNORE INTO message_shards (shard) VALUES ${shards.map(({ shard }) => `(${shard})`).join(", ")}`);
  }
}

/** SQL string literal; callers pass only values they have validated or generated. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statements as one SQL text for `wrangler d1 execute --command`, which takes no parameters. */
export function inline(statements: Statement[]): string {
  return statements
    .map(({ sql, params }) => {
      const parts = sql.split("?");
      if (parts.length !== params.length + 1) throw new Error("statement and parameters do not match");
      return parts.map((part, i) => (i < params.length ? part + literal(params[i]) : part)).join("");
    })
    .join(";\n");
}

function literal(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return quote(value);
  return quote(JSON.stringify(value)); // JSON columns
}

/**
 * "INSERT OR IGNORE INTO <table> (...) SELECT <values>" for a row keyed like
 * the drizzle schema; append a WHERE clause to make it conditional.
 */
export function insertOrIgnore<T extends SQLiteTable>(table: T, row: T["$inferInsert"]): string {
  const columns = getTableColumns(table);
  const entries = Object.entries(row as Record<string, unknown>).filter(([, value]) => value !== undefined);
  const names = entries.map(([key]) => `"${columns[key]!.name}"`);
  return `INSERT OR IGNORE INTO "${getTableName(table)}" (${names.join(", ")}) SELECT ${entries.map(([, value]) => literal(value)).join(", ")}`;
}
