// The OmniFlow Worker with counters around its billed operations, for the
// bench's "cost per message" figure only: `npm run bench` starts it as the
// entry point of a separate local instance. Nothing in src/ knows about it, so
// production (and every other measurement) runs the Worker untouched.
//
// Counted, by wrapping the bindings the runtime hands in:
// - every D1 statement executed (alone or in a batch), as a read or a write,
//   keyed by its verb and table ("update messages");
// - every Durable Object request, by class: each RPC call on a MessageStatus
//   or AccountGate stub ("AccountGate admit") and each alarm an object runs;
// - every write statement an object runs on its own SQLite storage, by class.
// With the var BENCH_DELAY_MS set, every D1 statement or batch, Durable Object
// call and Queue send first waits that long: a far database, as the edge sees
// one, so the bench can show what each sequential call costs a request.
// GET /__bench/counters answers the totals (the Worker and its Durable
// Objects share one isolate under `wrangler dev`, so one set of counters sees both).

import type { DeliveryJob } from "../src/delivery/job.ts";
import worker, { AccountGate as CountedAccountGate, MessageStatus as CountedMessageStatus } from "../src/index.ts";

type Tally = Record<string, number>;
const counters = { d1Reads: {} as Tally, d1Writes: {} as Tally, durableObjectRequests: {} as Tally, durableObjectStorageWrites: {} as Tally };

function add(tally: Tally, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

// Every write OmniFlow issues (through drizzle, or to the object's storage) starts with its verb.
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/** "insert messages", "select accounts": the statement's verb and first table. */
function statementKey(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? "?";
  const table = /\b(?:into|from|update|table)\s+["`]?(\w+)/i.exec(sql)?.[1] ?? "?";
  return `${verb} ${table}`;
}

function recordD1(sql: string): void {
  add(WRITE.test(sql) ? counters.d1Writes : counters.d1Reads, statementKey(sql));
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

function countedStatement(statement: D1PreparedStatement, sql: string, delayMs: number): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, prop) {
      if (prop === "bind") return (...values: unknown[]) => countedStatement(target.bind(...values), sql, delayMs);
      if (prop === "run" || prop === "all" || prop === "raw" || prop === "first") {
        const method = bound(target, prop) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          recordD1(sql);
          return delayed(delayMs, () => method(...args));
        };
      }
      return bound(target, prop);
    },
  });
  statementSql.set(proxy, { statement, sql });
  return proxy;
}

function countedD1(db: D1Database, delayMs: number): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => countedStatement(target.prepare(sql), sql, delayMs);
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          const unwrapped = statements.map((statement) => {
            const known = statementSql.get(statement);
            if (known) recordD1(known.sql);
            return known?.statement ?? statement;
          });
          return delayed(delayMs, () => target.batch(unwrapped));
        };
      }
      if (prop === "exec") {
        return (sql: string) => {
          for (const part of sql.split(";").filter((s) => s.trim())) recordD1(part);
          return target.exec(sql);
        };
      }
      return bound(target, prop);
    },
  });
}

type ObjectClass = "MessageStatus" | "AccountGate";

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

function delayedQueue(queue: Queue, delayMs: number): Queue {
  return new Proxy(queue, {
    get(target, prop) {
      const value = bound(target, prop);
      if (prop !== "send" && prop !== "sendBatch") return value;
      return (...args: unknown[]) => delayed(delayMs, () => (value as (...a: unknown[]) => unknown)(...args));
    },
  });
}

function countedEnv(env: Env): Env {
  const delayMs = Number((env as unknown as { BENCH_DELAY_MS?: string }).BENCH_DELAY_MS ?? 0);
  return {
    ...env,
    CONTROL_DB: countedD1(env.CONTROL_DB, delayMs),
    MESSAGES_DB_0: countedD1(env.MESSAGES_DB_0, delayMs),
    MESSAGES_DB_1: countedD1(env.MESSAGES_DB_1, delayMs),
    MESSAGE_STATUS: countedNamespace(env.MESSAGE_STATUS, "MessageStatus", delayMs),
    ACCOUNT_GATE: countedNamespace(env.ACCOUNT_GATE, "AccountGate", delayMs),
    MESSAGES_QUEUE: delayedQueue(env.MESSAGES_QUEUE, delayMs),
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
    if (WRITE.test(query) && !key.includes(" __")) add(counters.durableObjectStorageWrites, `${objectClass} ${key}`);
    return exec(query, ...bindings);
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

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/counters") return Response.json(counters);
    return worker.fetch(request, countedEnv(env), ctx);
  },
  queue(batch, env) {
    return worker.queue(batch, countedEnv(env));
  },
} satisfies ExportedHandler<Env, DeliveryJob>;
