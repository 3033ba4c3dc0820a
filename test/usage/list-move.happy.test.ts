// GET /v1/usage and the spend count a limit starts from, while the account's
// messages move between shards: both shards hold copies of the moving messages
// from the copy until the source's are deleted, and each message is still
// counted once, in every phase, with what changes meanwhile (a create at the
// target, projections, a retention delete) and the messages archived before.
// Expected figures are summed here from the test's own ledger of what it stored.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { deleteMessages } from "../../src/db/retention.ts";
import { shardBinding, shardDatabase } from "../../src/db/shards.ts";
import { newMessageId, shardOfMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn, shardHolding, shardsWriting } from "../../src/domain/placement.ts";
import type { Status } from "../../src/domain/status.ts";
import { archiveColdMessages } from "../../src/services/archive.ts";
import { workerControl } from "../../src/services/control.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";
import { sumPrices } from "../support/rates.ts";
import { retentionMinute } from "../support/retention.ts";
import { placementNow, recordMove, runMove } from "../support/shards.ts";

const DAY_MS = 86_400_000;

/** What the test stored of each outbound message: its price in ten-thousandths of USD. */
interface Kept {
  createdMs: number;
  segments: number;
  price: number;
  team: string | null;
}

const asPrice = (tenThousandths: number) => `${Math.floor(tenThousandths / 10_000)}.${String(tenThousandths % 10_000).padStart(4, "0")}`;

/** The ledger's totals, as GET /v1/usage prints them (prices summed apart from src/ by sumPrices). */
function totals(kept: Kept[]) {
  return {
    count: kept.length,
    segments: kept.reduce((sum, message) => sum + message.segments, 0),
    price: sumPrices(kept.map((message) => asPrice(message.price))),
    price_unit: "USD",
  };
}

async function usage(account: TestAccount, query: string) {
  const res = await api(`/v1/usage${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return (await res.json<{ data: Record<string, unknown>[] }>()).data;
}

/** Saves a spend limit from a fresh gate count: the day's and month's spend it then starts from (ten-thousandths). */
async function startedSpend(account: TestAccount): Promise<{ day: number; month: number }> {
  const gate = env.ACCOUNT_GATE.getByName(account.id);
  await runInDurableObject(gate, (_, state) => void state.storage.sql.exec("DELETE FROM spend_windows"));
  const saved = await api("/v1/account", { key: account.key, json: { spend_limits: { monthly: "1000.00" } } });
  expect(saved.status).toBe(200);
  return runInDurableObject(gate, (_, state) => {
    const rows = state.storage.sql.exec<{ window: string; amount: number }>("SELECT window, amount FROM spend_windows").toArray();
    const amount = (prefix: string) => rows.find((row) => row.window.startsWith(prefix))?.amount ?? 0;
    return { day: amount("day:"), month: amount("month:") };
  });
}

/** The account's outbound messages as the test stored them, and the checks of its usage against them. */
function ledgerOf(account: TestAccount, nowMs: number) {
  const ledger = new Map<string, Kept>();
  const store = async (id: string, createdMs: number, segments: number, price: number, team: string | null, status: Status = "sent") => {
    await storeMessage(account, {
      id,
      createdAt: Math.floor(createdMs / 1000),
      status,
      segments,
      price,
      priceUnit: "USD",
      priceStatus: "final",
      metadata: team === null ? null : { team },
    });
    ledger.set(id, { createdMs, segments, price, team });
  };
  const start = new Date(nowMs - 40 * DAY_MS).toISOString().slice(0, 10);
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const period = `?start=${start}&end=${today}`;
  /** GET /v1/usage in total and by metadata[team], and the spend a limit starts from, against the ledger. */
  const check = async (phase: string) => {
    const kept = [...ledger.values()];
    const byTeam = (team: string | null) => ({ metadata: { team }, ...totals(kept.filter((message) => message.team === team)) });
    const teams = [...new Set(kept.map((message) => message.team))];
    const month = kept.filter((message) => new Date(message.createdMs).toISOString().slice(0, 7) === today.slice(0, 7));
    const day = kept.filter((message) => new Date(message.createdMs).toISOString().slice(0, 10) === today);
    const sumOf = (some: Kept[]) => some.reduce((sum, message) => sum + message.price, 0);
    expect({ phase, total: await usage(account, period) }).toEqual({ phase, total: [totals(kept)] });
    const grouped = await usage(account, `${period}&group_by=metadata[team]`);
    expect({ phase, grouped: grouped.length }).toEqual({ phase, grouped: teams.length });
    expect({ phase, grouped }).toEqual({ phase, grouped: expect.arrayContaining(teams.map(byTeam)) });
    expect({ phase, spend: await startedSpend(account) }).toEqual({ phase, spend: { day: sumOf(day), month: sumOf(month) } });
  };
  return { ledger, store, check };
}

/**
 * Archive or expiry runs until one does nothing and passes no account over (a run of another file holding the
 * account's lease passes it over here: waited out, not taken for the end).
 */
async function untilIdle(run: () => Promise<{ done: number; held: number }>): Promise<void> {
  for (;;) {
    const { done, held } = await run();
    if (done > 0) continue;
    if (held === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Stores two messages on a day 10 days back (past the 7-day hot window) and archives them: out of D1, still in usage. */
async function archiveTwo(account: TestAccount, store: ReturnType<typeof ledgerOf>["store"], nowMs: number): Promise<string[]> {
  const archivedAt = nowMs - 10 * DAY_MS;
  const ids = [idCreatedAt(account, archivedAt), idCreatedAt(account, archivedAt + 60_000)];
  await store(ids[0]!, archivedAt, 2, 158, "growth", "delivered");
  await store(ids[1]!, archivedAt + 60_000, 1, 79, null, "delivered");
  await untilIdle(async () => {
    const { moved, held } = await archiveColdMessages(env, workerControl(env), nowMs);
    return { done: moved, held };
  });
  return ids;
}

/** The account's rollup rows on a database, of both tables. */
async function rollupRows(accountId: string, shard: number): Promise<number> {
  const db = shardBinding(env, shard);
  const count = (table: string) => db.prepare(`SELECT count(*) AS n FROM ${table} WHERE account_id = ?`).bind(accountId).first<number>("n");
  return (await count("usage_rollups"))! + (await count("usage_metadata_rollups"))!;
}

describe("usage during a shard move", () => {
  it("counts every message once in every phase: by API, by metadata and in the spend count a limit starts from", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const nowMs = Date.now();
    const { ledger, store, check } = ledgerOf(account, nowMs);
    await archiveTwo(account, store, nowMs);
    // Seven on the source (batches of 3: the copy, the compare and the delete each take several steps).
    for (let i = 0; i < 7; i++) await store(newMessageId(0), nowMs, 1 + (i % 3), 79 * (1 + (i % 3)) + i, i % 2 ? "growth" : i === 0 ? null : "ops");
    // Inbound: never counted.
    await storeMessage(account, { id: newMessageId(0), direction: "inbound", status: "received", createdAt: unixSeconds(nowMs) });
    await check("before");

    /** A projection as the consumer writes it: to every shard the placement says, over an older one only. */
    const project = async (id: string, status: Status, price: number) => {
      const placement = await placementNow(account.id);
      for (const shard of shardsWriting(placement, shardOfMessageId(id))) {
        await shardDatabase(env, shard)
          .update(messages)
          .set({ status, price, projectionSeq: sql`${messages.projectionSeq} + 1` })
          .where(eq(messages.id, id));
      }
      ledger.set(id, { ...ledger.get(id)!, price });
    };
    const moving = [...ledger.keys()].filter((id) => ledger.get(id)!.createdMs === nowMs);
    const done = new Set<string>();
    const once = async (what: string, act: () => Promise<void>) => {
      if (done.has(what)) return;
      done.add(what);
      await act();
    };

    const phases: string[] = [];
    await runMove(await recordMove(account.id, 1), async (phase) => {
      phases.push(phase);
      if (phase === "copying") {
        // A create during the move is born on the target; a status and price change reaches both sides.
        await once("create", () => store(newMessageId(1), nowMs, 3, 237, "growth"));
        await once("project", () => project(moving[0]!, "delivered", 80));
      }
      if (phase === "verifying") {
        // Retention deletes a message at the source (the compare deletes its copy at the target).
        await once("retention", async () => {
          await deleteMessages(shardDatabase(env, shardHolding(await placementNow(account.id), 0)), [moving[1]!]);
          ledger.delete(moving[1]!);
        });
      }
      if (phase === "flipped") await once("project after the flip", () => project(moving[2]!, "delivered", 100));
      if (phase === "deleting") await once("create after the flip", () => store(newMessageId(1), nowMs, 1, 79, "ops"));
      await check(phase);
    });

    expect(phases).toEqual(
      expect.arrayContaining(["started", "copying", "verifying", "copying_keys", "sealing_keys", "flipped", "recopying", "deleting", "done"]),
    );
    expect(done.size).toBe(5);
  });

  it("keeps the archived messages' usage after the move, takes it out at the target when their day expires, and leaves no rollups at the source", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const nowMs = Date.now();
    const { ledger, store, check } = ledgerOf(account, nowMs);
    const archived = await archiveTwo(account, store, nowMs);
    // Archived days beyond one delete step's 3 (FAST): the source's rollups go a batch of days at a time.
    for (const daysBack of [11, 12, 13]) {
      const at = nowMs - daysBack * DAY_MS;
      archived.push(idCreatedAt(account, at));
      await store(archived.at(-1)!, at, 1, 100 + daysBack, daysBack % 2 ? "ops" : null, "delivered");
    }
    await untilIdle(async () => {
      const { moved, held } = await archiveColdMessages(env, workerControl(env), nowMs);
      return { done: moved, held };
    });
    await store(newMessageId(0), nowMs, 1, 79, "ops");
    await runMove(await recordMove(account.id, 1));
    await check("done");
    expect(await rollupRows(account.id, 0)).toBe(0);

    // Retention reaches the archived day (10 days back, past 9): its messages' usage goes with them, at the target.
    expect((await api("/v1/account", { key: account.key, json: { retention_days: 9 } })).status).toBe(200);
    await untilIdle(() => retentionMinute("archive"));
    for (const id of archived) ledger.delete(id);
    await check("expired");
  });

  it("counts the archive's figures from before the rollups knew their shard once in every phase, and carries them", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const nowMs = Date.now();
    const { ledger, store, check } = ledgerOf(account, nowMs);
    await store(newMessageId(0), nowMs, 1, 79, "ops");
    // As migrations/messages/0008 leaves the usage of a message archived before it: archived, of no shard ("").
    const day = new Date(nowMs - 10 * DAY_MS).toISOString().slice(0, 10);
    await shardBinding(env, 0)
      .prepare(
        `INSERT INTO usage_rollups (account_id, day, channel, country, api_key_id, status, price_unit, born_on, archived, count, segments, price)
          VALUES (?1, ?2, 'sms', 'US', '', 'delivered', 'USD', '', 1, 1, 2, 158)`,
      )
      .bind(account.id, day)
      .run();
    await shardBinding(env, 0)
      .prepare(
        `INSERT INTO usage_metadata_rollups (account_id, key, value, day, channel, country, status, price_unit, born_on, archived, count, segments, price)
          VALUES (?1, 'team', 'growth', ?2, 'sms', 'US', 'delivered', 'USD', '', 1, 1, 2, 158)`,
      )
      .bind(account.id, day)
      .run();
    ledger.set("archived before 0008", { createdMs: nowMs - 10 * DAY_MS, segments: 2, price: 158, team: "growth" });
    await check("before");
    await runMove(await recordMove(account.id, 1), check);
    expect(await rollupRows(account.id, 0)).toBe(0);
  });
});
