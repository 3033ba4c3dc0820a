// The projection consumer when D1 fails: a shard whose batch failed has its
// messages retried (with backoff) and the other shards' acked; the control database failing
// retries the whole batch; an older projection of a retried message is acked,
// since the newest carries everything it did.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { shardBinding } from "../../src/db/shards.ts";
import { createAccount } from "../support/accounts.ts";
import { place, projection, rowOn, runProjections, storeOn } from "./projection.fixture.ts";

afterEach(() => vi.restoreAllMocks());

const D1_DOWN = "D1_ERROR: internal error; reference = 0123456789abcdef";
const delivered = { status: "delivered", deliveredAt: 1_790_000_000, providerLatencyMs: 850, deliveredChannel: "sms" } as const;

/** Shard `shard`'s batches fail, as a D1 outage of that database would; console.error silenced. */
function failBatchesOn(shard: number) {
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(shardBinding(env, shard), "batch").mockRejectedValue(new Error(D1_DOWN));
}

describe("projection consumer, when D1 fails", () => {
  it("retries only the messages of the shard whose batch failed, and writes the other shard's", async () => {
    const account = await createAccount();
    await place(account, { home: 0, write: [0, 1], read: [0, 1] });
    const onZero = await storeOn(0, account);
    const onOne = await storeOn(1, account);
    failBatchesOn(1);

    const { acked, retried, retryDelays } = await runProjections([projection(account, onZero, 5, delivered), projection(account, onOne, 5, delivered)]);

    expect(acked).toEqual([onZero]);
    expect(retried).toEqual([onOne]);
    // After a backoff (the first: 1 to 2 s), so the queue's retries outlast a short outage.
    expect(retryDelays).toEqual([expect.any(Number)]);
    expect(retryDelays[0]).toBeGreaterThanOrEqual(1);
    expect(retryDelays[0]).toBeLessThanOrEqual(2);
    expect(await rowOn(0, onZero)).toMatchObject({ status: "delivered" });
    expect(await rowOn(1, onOne)).toMatchObject({ status: "queued", projectionSeq: 0 });

    // The retry, once the shard is back, lands.
    vi.restoreAllMocks();
    expect((await runProjections([projection(account, onOne, 5, delivered)])).acked).toEqual([onOne]);
    expect(await rowOn(1, onOne)).toMatchObject({ status: "delivered", projectionSeq: 5 });
  });

  it("retries the newest projection of a message and acks the older ones it replaces", async () => {
    const account = await createAccount();
    const id = await storeOn(0, account);
    failBatchesOn(0);

    const { acked, retried } = await runProjections([projection(account, id, 1), projection(account, id, 2, delivered)]);

    expect(acked).toEqual([`${id}@1`]);
    expect(retried).toEqual([`${id}@2`]);
    vi.restoreAllMocks();
    expect(await rowOn(0, id)).toMatchObject({ status: "queued" });
  });

  it("retries the whole batch when the placements cannot be read", async () => {
    const account = await createAccount();
    const id = await storeOn(0, account);
    vi.spyOn(console, "error").mockImplementation(() => {});
    // Only the consumer's read of placements: other files share this runtime and its control database.
    const prepare = env.CONTROL_DB.prepare.bind(env.CONTROL_DB);
    vi.spyOn(env.CONTROL_DB, "prepare").mockImplementation((sql: string) => {
      if (/^select "id", "placement" from "accounts"/.test(sql)) throw new Error(D1_DOWN);
      return prepare(sql);
    });

    const { result } = await runProjections([projection(account, id, 3, delivered)]);

    expect(result.retryBatch.retry).toBe(true);
    vi.restoreAllMocks();
    expect(await rowOn(0, id)).toMatchObject({ status: "queued" });
  });
});
