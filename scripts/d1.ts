// Runs SQL against OmniFlow's D1 databases through wrangler: the local ones
// that `wrangler dev` uses, or with remote=true the deployed ones. The control
// database (CONTROL_DB) unless a target names a message database's binding.
import { execFileSync } from "node:child_process";
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
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

export const CONTROL = "CONTROL_DB";

/** One statement's answer, as `wrangler d1 execute --json` gives it (locally, meta holds little more than the duration). */
export interface StatementResult {
  results: Record<string, unknown>[];
  success: boolean;
  meta: Record<string, unknown>;
}

export function targetArgs(target: D1Target): string[] {
  return [
    target.remote ? "--remote" : "--local",
    ...(target.config ? ["--config", target.config] : []),
    ...(target.persistTo ? ["--persist-to", target.persistTo] : []),
  ];
}

/** Executes the statements in one call and returns each statement's rows. */
export function executeSql(target: D1Target, sql: string): Record<string, unknown>[][] {
  return execute(target, sql).map((statement) => statement.results ?? []);
}

/** Executes the statements, their parameters inlined, in one call; each statement's answer. */
export function executeStatements(target: D1Target, statements: Statement[]): StatementResult[] {
  return execute(target, inline(statements));
}

function execute(target: D1Target, sql: string): StatementResult[] {
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
  return JSON.parse(output) as StatementResult[];
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
