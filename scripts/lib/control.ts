// The operator scripts' door to D1: the Worker's own services
// (src/services/*), on a drizzle client whose D1 binding runs each statement
// through `wrangler d1 execute`, against the local database or, with
// --remote, the deployed one. An operator's change is written by the same
// code as the API's and the Console's.
import { database } from "../../src/db/client.ts";
import type { Control } from "../../src/services/control.ts";
import { type D1Target, executeStatements, type StatementResult } from "./d1.ts";
import type { Statement } from "./statement.ts";

type Param = Statement["params"][number];

/** What drizzle asks of a D1 statement: bind, then all / raw / run (and batch on the database). */
class WranglerStatement {
  readonly #d1: WranglerD1;
  readonly statement: Statement;

  constructor(d1: WranglerD1, sql: string, params: Param[] = []) {
    this.#d1 = d1;
    this.statement = { sql, params };
  }

  bind(...params: Param[]): WranglerStatement {
    return new WranglerStatement(this.#d1, this.statement.sql, params);
  }

  all(): Promise<StatementResult> {
    return this.#d1.batch([this]).then(([result]) => result!);
  }

  run(): Promise<StatementResult> {
    return this.all();
  }

  /**
   * The rows as arrays of their values, in column order: wrangler answers
   * objects, whose keys keep the order of the SELECT (drizzle maps batch
   * results from D1 the same way). Columns named alike would collapse: no
   * query the scripts run selects two.
   */
  async raw(): Promise<unknown[][]> {
    return (await this.all()).results.map((row) => Object.values(row));
  }
}

/** Runs statements in order, in one call: `wrangler d1 execute` for the scripts, the test D1 for the tests. */
type Execute = (statements: Statement[]) => Promise<StatementResult[]>;

class WranglerD1 {
  readonly #execute: Execute;

  constructor(execute: Execute) {
    this.#execute = execute;
  }

  prepare(sql: string): WranglerStatement {
    return new WranglerStatement(this, sql);
  }

  batch(statements: WranglerStatement[]): Promise<StatementResult[]> {
    return this.#execute(statements.map((statement) => statement.statement));
  }
}

/**
 * The services' Control for a script. It cannot tell an account's gate what
 * changed: the gate is a Durable Object, which only a Worker bound to its
 * namespace can call, and a script runs under Node, reaching D1 through
 * wrangler (locally its SQLite files, remotely Cloudflare's D1 HTTP API); nor
 * do wrangler's remote bindings reach Durable Objects. So the gate reloads the
 * account, its keys and what a create reads on its own, within
 * RELOAD_AFTER_MS (10 s, src/gate/account-gate.ts), and the scripts say so.
 */
export function scriptControl(target: D1Target): Control {
  return statementControl(async (statements) => executeStatements(target, statements));
}

/** The same on any way of running statements: the tests run them, inlined as wrangler gets them, on their own D1. */
export function statementControl(execute: Execute): Control {
  // drizzle calls only prepare, bind, all, raw, run and batch (drizzle-orm/d1's session).
  const d1 = new WranglerD1(execute) as unknown as D1Database;
  return { db: database(d1), tellGate: () => Promise.resolve() };
}
