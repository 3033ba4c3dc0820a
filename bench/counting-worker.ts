// The OmniFlow Worker with counters around its billed operations, for the
// bench's "cost per message" figure only: `npm run bench` starts it as the
// entry point of a separate local instance. Nothing in src/ knows about it, so
// production (and every other measurement) runs the Worker untouched.
//
// Counted, by wrapping the bindings the runtime hands in:
// - every D1 statement executed (alone or in a batch), as a read or a write,
//   keyed by its verb and table ("update messages"), and per database
//   (CONTROL_DB, MESSAGES_DB_N): its read and write statements and its calls,
//   a batch being one call (one round trip, however many statements);
// - every message sent to a Queue, per binding;
// - every Durable Object request, by class: each RPC call on a MessageStatus,
//   AccountGate or Verifier stub ("AccountGate admit") and each alarm an object runs;
// - every write statement an object runs on its own SQLite storage, by class;
// - the rows each of those writes wrote as the runtime counts them, which is
//   what Cloudflare bills (D1's `meta.rows_written`, a storage cursor's
//   `rowsWritten`): index entries and SQLite's own bookkeeping included;
// - every call on the MEDIA R2 bucket, by method ("MEDIA put"), and the bytes
//   its puts upload ("MEDIA put bytes").
// With the var BENCH_DELAY_MS set, every D1 statement or batch, Durable Object
// call and Queue send first waits that long: a far database, as the edge sees
// one, so the bench can show what each sequential call costs a request.
// GET /__bench/counters answers the totals (the Worker and its Durable
// Objects share one isolate under `wrangler dev`, so one set of counters sees both).

import worker, { AccountGate as CountedAccountGate, MessageStatus as CountedMessageStatus, Verifier as CountedVerifier } from "../src/index.ts";

/** What the Worker's queue handler takes: delivery jobs, and status projections once they are queued. */
type QueueJob = Parameters<typeof worker.queue>[0] extends MessageBatch<infer Job> ? Job : never;

type Tally = Record<string, number>;
const counters = {
  d1Reads: {} as Tally,
  d1Writes: {} as Tally,
  /** Per D1 binding: "<binding> reads" and "<binding> writes" (statements), "<binding> calls" (round trips) and "<binding> writeCalls". */
  d1ByDatabase: {} as Tally,
  queueMessages: {} as Tally,
  durableObjectRequests: {} as Tally,
  durableObjectStorageWrites: {} as Tally,
  /** Rows written as billed: "<binding>" for D1, "<class>" for an object's storage. */
  d1RowsWritten: {} as Tally,
  durableObjectRowsWritten: {} as Tally,
  r2Operations: {} as Tally,
};

function add(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

/** D1's rows written, from a statement's or a batch's results (a `raw` or `first` read has no meta, and writes nothing). */
function recordRowsWritten(binding: string, result: unknown): void {
  for (const one of Array.isArray(result) ? result : [result]) {
    const written = (one as { meta?: { rows_written?: number } } | null)?.meta?.rows_written;
    if (typeof written === "number" && written > 0) add(counters.d1RowsWritten, binding, written);
  }
}

/** Counts the rows of a settled D1 call, and passes its result on. */
function countingRows<T>(binding: string, call: T | Promise<T>): Promise<T> {
  return Promise.resolve(call).then((result) => {
    recordRowsWritten(binding, result);
    return result;
  });
}

// Every write OmniFlow issues (through drizzle, or to the object's storage) starts with its verb.
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/** "insert messages", "select accounts": the statement's verb and first table. */
function statementKey(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? "?";
  const table = /\b(?:into|from|update|table)\s+["`]?(\w+)/i.exec(sql)?.[1] ?? "?";
  return `${verb} ${table}`;
}

function recordD1(binding: string, sql: string): void {
  const write = WRITE.test(sql);
  add(write ? counters.d1Writes : counters.d1Reads, statementKey(sql));
  add(counters.d1ByDatabase, `${binding} ${write ? "writes" : "reads"}`);
}

/** One round trip to the database; a write call when any of its statements writes. */
function recordCall(binding: string, sqls: string[]): void {
  add(counters.d1ByDatabase, `${binding} calls`);
  if (sqls.some((sql) => WRITE.test(sql))) add(counters.d1ByDatabase, `${binding} writeCalls`);
}

/** Calls the native method with its own receiver (a proxy as `this` would be refused). */
function bound<T extends object>(target: T, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop, target);
  return typeof value === "function" ? value.bind(target) : value;
}

const statementSql = new WeakMap<object, { statement: D1PreparedStatement; sql: string }>();

/** Runs `call` after the configured delay (none by default). */
function delayed<T>(delayMs: number, call: () => T): T | Promise<Awaited<T>> {
  return delayMs > 0 ? scheduler.wait(delayMs).then(() => call() as Awaited<T>) : call();
}

function countedStatement(statement: D1PreparedStatement, sql: string, binding: string, delayMs: number): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, prop) {
      if (prop === "bind") return (...values: unknown[]) => countedStatement(target.bind(...values), sql, binding, delayMs);
      if (prop === "run" || prop === "all" || prop === "raw" || prop === "first") {
        const method = bound(target, prop) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          recordD1(binding, sql);
          recordCall(binding, [sql]);
          return countingRows(
            binding,
            delayed(delayMs, () => method(...args)),
          );
        };
      }
      return bound(target, prop);
    },
  });
  statementSql.set(proxy, { statement, sql });
  return proxy;
}

function countedD1(db: D1Database, binding: string, delayMs: number): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => countedStatement(target.prepare(sql), sql, binding, delayMs);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const sqls: string[] = [];
          const unwrapped = statements.map((statement) => {
            const known = statementSql.get(statement);
            if (known) {
              recordD1(binding, known.sql);
              sqls.push(known.sql);
            }
            return known?.statement ?? statement;
          });
          recordCall(binding, sqls);
          return countingRows(
            binding,
            delayed(delayMs, () => target.batch(unwrapped)),
          );
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          const parts = sql.split(";").filter((s) => s.trim());
          for (const part of parts) recordD1(binding, part);
          recordCall(binding, parts);
          return target.exec(sql);
        };
      }
      return bound(target, prop);
    },
  });
}

type ObjectClass = "MessageStatus" | "AccountGate" | "Verifier";

function countedStub<S extends object>(stub: S, objectClass: ObjectClass, delayMs: number): S {
  return new Proxy(stub, {
    get(target, prop) {
      // An RPC stub answers every property name with a remote method, even
      // `bind`, so its methods are called through the stub itself.
      const value = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || prop === "then" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        add(counters.durableObjectRequests, `${objectClass} ${prop}`);
        return delayed(delayMs, () => (target as unknown as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args));
      };
    },
  });
}

function countedNamespace<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  objectClass: ObjectClass,
  delayMs: number,
): DurableObjectNamespace<T> {
  return new Proxy(namespace, {
    get(target, prop) {
      if (prop === "get")
        return (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) => countedStub(target.get(id, options), objectClass, delayMs);
      if (prop === "getByName")
        return (name: string, options?: DurableObjectNamespaceGetDurableObjectOptions) => countedStub(target.getByName(name, options), objectClass, delayMs);
      return bound(target, prop);
    },
  });
}

function countedQueue(queue: Queue, binding: string, delayMs: number): Queue {
  return new Proxy(queue, {
    get(target, prop) {
      const value = bound(target, prop);
      if (prop !== "send" && prop !== "sendBatch") return value;
      return (...args: unknown[]) => {
        const sent = prop === "send" ? 1 : (args[0] as unknown[]).length;
        counters.queueMessages[binding] = (counters.queueMessages[binding] ?? 0) + sent;
        return delayed(delayMs, () => (value as (...a: unknown[]) => unknown)(...args));
      };
    },
  });
}

/** Bytes an R2 put uploads, for the bodies OmniFlow gives it (a file's bytes). */
const bodyBytes = (body: unknown) => (body instanceof Uint8Array || body instanceof ArrayBuffer ? body.byteLength : typeof body === "string" ? body.length : 0);

function countedBucket(bucket: R2Bucket, binding: string): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      const value = bound(target, prop);
      if (typeof prop !== "string" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        add(counters.r2Operations, `${binding} ${prop}`);
        if (prop === "put") counters.r2Operations[`${binding} put bytes`] = (counters.r2Operations[`${binding} put bytes`] ?? 0) + bodyBytes(args[1]);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}

// Every database wrangler.toml declares (the control database and each shard), and every Queue producer.
const D1_BINDING = /^(CONTROL_DB|MESSAGES_DB_\d+)$/;
const QUEUE_BINDING = /_QUEUE$/;

function countedEnv(env: Env): Env {
  const delayMs = Number((env as unknown as { BENCH_DELAY_MS?: string }).BENCH_DELAY_MS ?? 0);
  const wrapped: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(env)) {
    if (D1_BINDING.test(name)) wrapped[name] = countedD1(value as D1Database, name, delayMs);
    else if (QUEUE_BINDING.test(name)) wrapped[name] = countedQueue(value as Queue, name, delayMs);
  }
  return {
    ...(wrapped as unknown as Env),
    MEDIA: countedBucket(env.MEDIA, "MEDIA"),
    MESSAGE_STATUS: countedNamespace(env.MESSAGE_STATUS, "MessageStatus", delayMs),
    ACCOUNT_GATE: countedNamespace(env.ACCOUNT_GATE, "AccountGate", delayMs),
    VERIFIER: countedNamespace(env.VERIFIER, "Verifier", delayMs),
  };
}

/**
 * Counts the writes the object makes to its own SQLite storage. The runtime
 * refuses anything but the real DurableObjectState, so its `sql` object gets a
 * counting `exec` before the store (a field of the base class) takes hold of it.
 */
function countStorageWrites(ctx: DurableObjectState, objectClass: ObjectClass): void {
  const sql = ctx.storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const key = statementKey(query);
    // Miniflare's own bookkeeping (its __miniflare_* tables) is not OmniFlow's.
    const cursor = exec(query, ...bindings);
    if (WRITE.test(query) && !key.includes(" __")) {
      add(counters.durableObjectStorageWrites, `${objectClass} ${key}`);
      // A write without RETURNING has run to its end once exec returns.
      add(counters.durableObjectRowsWritten, objectClass, cursor.rowsWritten);
    }
    return cursor;
  }) as SqlStorage["exec"];
}

export class MessageStatus extends CountedMessageStatus {
  constructor(ctx: DurableObjectState, env: Env) {
    countStorageWrites(ctx, "MessageStatus");
    super(ctx, countedEnv(env));
  }

  override async alarm(): Promise<void> {
    add(counters.durableObjectRequests, "MessageStatus alarm");
    await super.alarm();
  }
}

export class AccountGate extends CountedAccountGate {
  constructor(ctx: DurableObjectState, env: Env) {
    countStorageWrites(ctx, "AccountGate");
    super(ctx, countedEnv(env));
  }
}

export class Verifier extends CountedVerifier {
  constructor(ctx: DurableObjectState, env: Env) {
    countStorageWrites(ctx, "Verifier");
    super(ctx, countedEnv(env));
  }

  override async alarm(): Promise<void> {
    add(counters.durableObjectRequests, "Verifier alarm");
    await super.alarm();
  }
}

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/counters") return Response.json(counters);
    return worker.fetch(request, countedEnv(env), ctx);
  },
  // Every queue's consumer (deliveries, dead letters, status projections), as the Worker routes them.
  queue(batch, env) {
    return worker.queue(batch, countedEnv(env));
  },
} satisfies ExportedHandler<Env, QueueJob>;
