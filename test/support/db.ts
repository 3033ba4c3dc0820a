// The test D1 databases read and written directly: row counts, a message's
// stored row (on the shard its id names), and a simulated outage of the
// messages table. Two message databases run here, as wrangler.toml declares.
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import { type Database, database } from "../../src/db/client.ts";
import type { apiKeys, senders, templates } from "../../src/db/control-schema.ts";
import { messages } from "../../src/db/message-schema.ts";
import { messageDatabases, messageShards, shardBinding, shardDatabase } from "../../src/db/shards.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { projectEverywhere } from "../../src/delivery/projection-consumer.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import type { Placement } from "../../src/domain/placement.ts";

/** The control database. */
export const db = () => database(env.CONTROL_DB);

/** The message database a message id names. */
export const messageDb = (id: string) => shardDatabase(env, shardOfMessageId(id));

/** The account's home shard: where its Idempotency-Key records live. */
export const homeDb = (account: { placement: Placement }) => shardDatabase(env, account.placement.home);

/** Every message database's D1 binding. */
export const messageBindings = () => messageShards(env).map((shard) => shardBinding(env, shard));

/** How many rows of the table the account has. */
export async function rowCount(table: typeof templates | typeof senders | typeof apiKeys, accountId: string): Promise<number> {
  const [row] = await db().select({ n: count() }).from(table).where(eq(table.accountId, accountId));
  return row!.n;
}

/** Runs a read on every message database; the rows of all, together. */
export async function onEveryShard<T>(read: (shardDb: Database) => Promise<T[]>): Promise<T[]> {
  return (await Promise.all(messageDatabases(env).map(read))).flat();
}

/** The account's message rows, from every shard. */
export const accountMessageRows = (accountId: string) => onEveryShard((shardDb) => shardDb.select().from(messages).where(eq(messages.accountId, accountId)));

/** How many messages the account has, over every shard. */
export async function messageCount(accountId: string): Promise<number> {
  const counts = await onEveryShard((shardDb) => shardDb.select({ n: count() }).from(messages).where(eq(messages.accountId, accountId)));
  return counts.reduce((sum, { n }) => sum + n, 0);
}

export async function storedMessage(id: string) {
  return (await messageDb(id).select().from(messages).where(eq(messages.id, id)))[0]!;
}

/**
 * The message's row once its object's current view is on it, polled: each
 * poll writes that view as the projection consumer writes it, instead of
 * waiting out the projection queue's 1 s batch. Assert on it as
 * `await projectedMessage(id).toMatchObject({ status: "sent" })`. A test of
 * the projection path itself (a lost projection, its repair, the queue's
 * D1 writes counted) waits for the queue instead: `rowFromQueue`.
 */
export function projectedMessage(id: string) {
  return expect.poll(
    async () => {
      await flushProjection(id);
      return storedMessage(id);
    },
    { timeout: 5_000, interval: 50 },
  );
}

/** The message's row, polled as the real projection queue writes it (batch timeout 1 s, docs/architecture.md). */
export function rowFromQueue(id: string) {
  return expect.poll(() => storedMessage(id), { timeout: 5_000, interval: 50 });
}

/** Writes the message object's current view to its row (every shard that takes it) as the projection consumer would. */
export async function flushProjection(id: string): Promise<void> {
  const view = await messageStatusStub(env, id).view();
  if (view) await projectEverywhere(env, db(), [view]);
}

/**
 * Makes every D1 statement on the messages table throw, as a D1 outage would,
 * and silences (but records) console.error. Undo with vi.restoreAllMocks().
 */
export function failMessageQueries() {
  const log = vi.spyOn(console, "error").mockImplementation(() => {});
  const failing = messageBindings().map((binding) => {
    const prepare = binding.prepare.bind(binding);
    return vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
      if (sql.includes('"messages"')) throw new Error("D1_ERROR: internal error; reference = 0123456789abcdef");
      return prepare(sql);
    });
  });
  return { failing, log };
}

/** Makes every insert into messages throw, on every message database, as a D1 failure would. Undo with vi.restoreAllMocks(). */
export function failMessageInserts(): void {
  for (const binding of messageBindings()) {
    const prepare = binding.prepare.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
      if (sql.startsWith('insert into "messages"')) throw new Error("D1_ERROR: database is locked");
      return prepare(sql);
    });
  }
}

type Execution = "run" | "all" | "raw" | "first";

/**
 * The statement with its `methods` run through `around` (which gets the
 * original call and the statement's SQL), and so are the statements its
 * bind() returns.
 */
export function aroundExecution(
  statement: D1PreparedStatement,
  methods: readonly Execution[],
  around: (execute: () => Promise<unknown>) => Promise<unknown>,
): D1PreparedStatement {
  for (const method of methods) {
    const original = statement[method].bind(statement) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(statement, { [method]: (...args: unknown[]) => around(() => original(...args)) });
  }
  const bind = statement.bind.bind(statement);
  return Object.assign(statement, { bind: (...values: unknown[]) => aroundExecution(bind(...values), methods, around) });
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/**
 * Counts, from here on, every D1 statement run (alone or in a batch, by the
 * Worker or an object) as a read or a write; with `about`, only statements
 * bound to one of these values (an account's id, say), since other test files
 * share the runtime and its D1. A message id bound beside one of them joins
 * `about`, so the message's own statements count from then on.
 */
export function countD1Statements(about?: string[]): { reads: number; writes: number; roundTrips: number } {
  const counts = { reads: 0, writes: 0, roundTrips: 0 };
  /** Counts the statement if it is about `about`; says whether it was. */
  const tally = (sql: string, values: unknown[]): boolean => {
    if (about) {
      if (!values.some((value) => about.includes(value as string))) return false;
      for (const value of values) if (typeof value === "string" && value.startsWith("msg_") && !about.includes(value)) about.push(value);
    }
    if (WRITE.test(sql)) counts.writes++;
    else counts.reads++;
    return true;
  };
  const known = new WeakMap<D1PreparedStatement, { sql: string; values: unknown[] }>();
  for (const binding of [env.CONTROL_DB, ...messageBindings()]) countOn(binding, known, tally, counts);
  return counts;
}

function countOn(
  binding: D1Database,
  known: WeakMap<D1PreparedStatement, { sql: string; values: unknown[] }>,
  tally: (sql: string, values: unknown[]) => boolean,
  counts: { roundTrips: number },
): void {
  const prepare = binding.prepare.bind(binding);
  const batch = binding.batch.bind(binding);
  const counted = (statement: D1PreparedStatement, sql: string, values: unknown[]): D1PreparedStatement => {
    known.set(statement, { sql, values });
    const bind = statement.bind.bind(statement);
    const wrapped = aroundExecution(statement, ["run", "all", "raw", "first"], (execute) => {
      if (tally(sql, values)) counts.roundTrips++;
      return execute();
    });
    return Object.assign(wrapped, { bind: (...bound: unknown[]) => counted(bind(...bound), sql, bound) });
  };
  vi.spyOn(binding, "prepare").mockImplementation((sql: string) => counted(prepare(sql), sql, []));
  vi.spyOn(binding, "batch").mockImplementation((statements) => {
    let counted = false;
    for (const statement of statements) {
      const { sql, values } = known.get(statement) ?? { sql: "", values: [] };
      if (tally(sql, values)) counted = true;
    }
    if (counted) counts.roundTrips++;
    return batch(statements);
  });
}

/** Rows written by the D1 batches `run` makes on shard 0, as D1 counts them (meta.rows_written: what it bills). */
export async function rowsWritten(run: () => Promise<void>): Promise<number> {
  const batch = vi.spyOn(env.MESSAGES_DB_0, "batch");
  await run();
  const results = await Promise.all(batch.mock.results.map((result) => result.value as Promise<D1Result[]>));
  batch.mockRestore();
  return results.flat().reduce((sum, result) => sum + result.meta.rows_written, 0);
}
