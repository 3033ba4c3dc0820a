// Batch rows are deleted by the maintenance run once none of their messages can
// be left: retention_days (the account's, or the default 400) plus the 40 days a
// message past its retention may still be under way, after the batch's creation.
// Until then GET /v1/batches/:id answers the batch; afterwards it is a 404.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertBatch } from "../../src/db/batches.ts";
import { firstIdAt, unixSeconds } from "../../src/domain/ids.ts";
import { workerControl } from "../../src/services/control.ts";
import { deleteExpiredBatches } from "../../src/services/retention.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A batch row created `ageMs` ago (its id carries its creation time, as a new batch's does). */
async function batchCreatedAgo(account: TestAccount, ageMs: number): Promise<string> {
  const createdMs = Date.now() - ageMs;
  const id = firstIdAt("bat", createdMs) + crypto.randomUUID().replaceAll("-", "").slice(0, 20);
  await insertBatch(db(), { id, accountId: account.id, createdAt: unixSeconds(createdMs), validation: "strict", metadata: null });
  return id;
}

const status = async (account: TestAccount, id: string) => (await api(`/v1/batches/${id}`, { key: account.key })).status;

describe("batch retention", () => {
  it("deletes a batch retention_days + 40 days after its creation and keeps a younger one, per account", async () => {
    const short = await createAccount("test", { retentionDays: 1 });
    const standard = await createAccount();
    const shortGone = await batchCreatedAgo(short, 41 * DAY_MS + HOUR_MS);
    const shortKept = await batchCreatedAgo(short, 41 * DAY_MS - HOUR_MS);
    const standardGone = await batchCreatedAgo(standard, 440 * DAY_MS + HOUR_MS);
    const standardKept = await batchCreatedAgo(standard, 100 * DAY_MS);
    for (const [account, id] of [
      [short, shortGone],
      [short, shortKept],
      [standard, standardGone],
      [standard, standardKept],
    ] as const) {
      expect(await status(account, id)).toBe(200);
    }

    expect(await deleteExpiredBatches(workerControl(env), Date.now())).toBeGreaterThanOrEqual(2);

    expect({
      shortGone: await status(short, shortGone),
      shortKept: await status(short, shortKept),
      standardGone: await status(standard, standardGone),
      standardKept: await status(standard, standardKept),
    }).toEqual({ shortGone: 404, shortKept: 200, standardGone: 404, standardKept: 200 });
  });

  it("deletes in chunks until none is left", async () => {
    const account = await createAccount("test", { retentionDays: 1 });
    const old = [];
    for (let i = 0; i < 5; i++) old.push(await batchCreatedAgo(account, 50 * DAY_MS + i * HOUR_MS));
    await deleteExpiredBatches(workerControl(env), Date.now(), 2);
    for (const id of old) expect(await status(account, id)).toBe(404);
  });
});
