// Runs SQL against the OmniFlow D1 database through wrangler: the local one
// that `wrangler dev` uses, or with remote=true the deployed one.
import { execFileSync } from "node:child_process";

export interface D1Target {
  remote: boolean;
  /** Local state directory other than wrangler's default (as `wrangler dev --persist-to`). */
  persistTo?: string;
}

function targetArgs(target: D1Target): string[] {
  if (target.remote) return ["--remote"];
  return target.persistTo ? ["--local", "--persist-to", target.persistTo] : ["--local"];
}

interface StatementResult {
  results: Record<string, unknown>[];
  success: boolean;
}

/** Executes the statements in one call and returns each statement's rows. */
export function executeSql(target: D1Target, sql: string): Record<string, unknown>[][] {
  const output = execFileSync(
    "wrangler",
    ["d1", "execute", "DB", ...targetArgs(target), "--json", "--command", sql],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const parsed = JSON.parse(output) as StatementResult[];
  return parsed.map((statement) => statement.results ?? []);
}

export function applyMigrations(target: D1Target): void {
  execFileSync("wrangler", ["d1", "migrations", "apply", "DB", ...targetArgs(target)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CI: "true" },
  });
}

/** SQL string literal; callers pass only values they have validated or generated. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
