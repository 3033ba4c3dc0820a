// The account's retention_days: the maintenance run deletes older messages
// and their objects' storage, in bounded chunks, and nothing younger.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Placement } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { deleteExpiredMessages } from "../../src/services/retention.ts";
import { objectRowCount } from "../messages/redact.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { idCreatedAt, runConsumer, storeMessage } from "../support/queue.ts";

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
async function deleteAll(): Promise<void> {
  while ((await deleteExpiredMessages(env, workerControl(env), Date.now(), 50, 1)) > 0);
}

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

  it("deletes at most chunk x chunks messages per message database per run", async () => {
    const account = await withRetention(1);
    await oldMessages(account, 5, 7);
    await deleteAll();
    // Seven on each shard: each database gives up six this run, the last one next run.
    const more = await withRetention(1, { home: 0, write: [0, 1], read: [0, 1] });
    await oldMessages(more, 5, 14);
    expect(await deleteExpiredMessages(env, workerControl(env), Date.now(), 2, 3)).toBe(12);
    expect(await messageCount(more.id)).toBe(2);
    expect(await deleteExpiredMessages(env, workerControl(env), Date.now(), 2, 3)).toBe(2);
    expect(await messageCount(more.id)).toBe(0);
  });
});

describe("retention_days at the start of time", () => {
  it("deletes nothing when the cut-off would fall before 1970 (a run with a clock near the epoch)", async () => {
    const account = await createAccount();
    await oldMessages(account, 0, 1);
    expect(await deleteExpiredMessages(env, workerControl(env), 1_000_000_000, 50, 1)).toBe(0);
    expect(await messageCount(account.id)).toBe(1);
  });
});
