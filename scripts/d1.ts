// Runs SQL against the OmniFlow D1 database through wrangler: the local one
// that `wrangler dev` uses, or with remote=true the deployed one.
import { execFileSync } from "node:child_process";

export interface D1Target {
  remote: boolean;
}

interface StatementResult {
  results: Record<string, unknown>[];
  success: boolean;
}

/** Executes the statements in one call and returns each statement's rows. */
export function executeSql(target: D1Target, sql: string): Record<string, unknown>[][] {
  const output = execFileSync(
    "wrangler",
    ["d1", "execute", "DB", target.remote ? "--remote" : "--local", "--json", "--command", sql],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const parsed = JSON.parse(output) as StatementResult[];
  return parsed.map((statement) => statement.results ?? []);
}

export function applyMigrations(target: D1Target): void {
  execFileSync("wrangler", ["d1", "migrations", "apply", "DB", target.remote ? "--remote" : "--local"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CI: "true" },
  });
}

/** SQL string literal; callers pass only values they have validated or generated. */
export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
