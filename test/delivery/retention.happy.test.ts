// The account's retention_days: the maintenance run deletes older messages
// and their objects' storage, in bounded chunks, and nothing younger.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Placement } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { runRetentionTask } from "../../src/services/retention-tasks.ts";
import { objectRowCount } from "../messages/redact.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { idCreatedAt, runConsumer, storeMessage } from "../support/queue.ts";
import { retainAll } from "../support/retention.ts";

const DAY_MS = 86_400_000;

async function withRetention(days: number, placement?: Placement): Promise<TestAccount> {
  const account = await createAccount("test", { placement });
  expect((await api("/v1/account", { key: account.key, json: { retention_days: days } })).status).toBe(200);
  return account;
}

/** Messages `ageDays` old, stored and delivered through their objects. */
async function oldMessages(account: TestAccount, ageDays: number, howMany: number): Promise<string[]> {
  const at = Date.now() - ageDays * DAY_MS;
  const ids = [];
  for (let i = 0; i < howMany; i++) ids.push(await storeMessage(account, { id: idCreatedAt(account, at + i), createdAt: Math.floor((at + i) / 1000) }));
  await runConsumer(ids);
  return ids;
}

/** Runs until nothing is left to delete (other files' expired messages may share the database). */
const deleteAll = () => retainAll("messages");

/** One retention task on a message database, up to `budget` messages. */
const task = (shard: number, nowMs: number, budget?: number) => runRetentionTask(env, workerControl(env), { kind: "messages", shard }, nowMs, budget);

describe("retention_days", () => {
  it("deletes messages older than the account's retention, with their objects' storage, and keeps the younger", async () => {
    const account = await withRetention(30);
    const old = await oldMessages(account, 31, 3);
    const young = await oldMessages(account, 29, 2);
    expect(await objectRowCount(old[0]!)).toBeGreaterThan(0);
    await deleteAll();
    expect(await messageCount(account.id)).toBe(2);
    for (const id of old) {
      expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(404);
      expect(await objectRowCount(id)).toBe(0);
    }
    for (const id of young) expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(200);
  });

  it("keeps 400 days by default, and another account's retention never applies", async () => {
    const short = await withRetention(1);
    const standard = await createAccount();
    await oldMessages(short, 2, 1);
    await oldMessages(standard, 2, 1);
    await oldMessages(standard, 399, 1);
    const ancient = await oldMessages(standard, 401, 1);
    await deleteAll();
    expect(await messageCount(short.id)).toBe(0);
    expect(await messageCount(standard.id)).toBe(2);
    expect((await api(`/v1/messages/${ancient[0]}`, { key: standard.key })).status).toBe(404);
  });

  it("deletes at most its budget per task on its message database, and says when more is left", async () => {
    const account = await withRetention(1);
    await oldMessages(account, 5, 7);
    await deleteAll();
    // Seven on each shard: each database's task gives up six and says more is left; its continuation takes the last.
    const more = await withRetention(1, { home: 0, write: [0, 1], read: [0, 1] });
    await oldMessages(more, 5, 14);
    const now = Date.now();
    expect([await task(0, now, 6), await task(1, now, 6)]).toEqual([
      { done: 6, more: true, held: false },
      { done: 6, more: true, held: false },
    ]);
    expect(await messageCount(more.id)).toBe(2);
    expect([await task(0, now, 6), await task(1, now, 6)]).toEqual([
      { done: 1, more: false, held: false },
      { done: 1, more: false, held: false },
    ]);
    expect(await messageCount(more.id)).toBe(0);
  });
});

describe("retention_days at the start of time", () => {
  it("deletes nothing when the cut-off would fall before 1970 (a run with a clock near the epoch)", async () => {
    const account = await createAccount();
    await oldMessages(account, 0, 1);
    expect([await task(0, 1_000_000_000), await task(1, 1_000_000_000)].map((report) => report.done)).toEqual([0, 0]);
    expect(await messageCount(account.id)).toBe(1);
  });
});
