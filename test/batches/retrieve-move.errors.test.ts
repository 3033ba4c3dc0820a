// GET /v1/batches/:id while the account moves between shards: both shards hold
// copies of the moving messages until the old ones are deleted, and each of the
// batch's messages is still counted once, in every phase of the move.
import { describe, expect, it } from "vitest";
import { insertBatch } from "../../src/db/batches.ts";
import { newId, newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import type { Status } from "../../src/domain/status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { storeMessage } from "../support/queue.ts";
import { recordMove, runMove } from "../support/shards.ts";

interface BatchCounts {
  counts: Record<string, number>;
  total: number;
}

/** A batch row and its messages, stored as the batch create stores them, on shard `shard`. */
async function storeBatch(account: TestAccount, statuses: Status[], shard = 0): Promise<string> {
  const id = newId("bat");
  await insertBatch(db(), { id, accountId: account.id, createdAt: unixSeconds(), validation: "strict", metadata: null });
  for (const status of statuses) await storeMessage(account, { id: newMessageId(shard), batchId: id, status });
  return id;
}

async function readCounts(account: TestAccount, id: string): Promise<BatchCounts> {
  const { counts, total } = await (await api(`/v1/batches/${id}`, { key: account.key })).json<BatchCounts>();
  return { counts: Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0)), total };
}

describe("GET /v1/batches/:id during a shard move", () => {
  it("counts each of the batch's messages once in every phase, the copies at the target included", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const id = await storeBatch(account, ["delivered", "delivered", "sent", "failed"]);
    // From what was stored above: 2 delivered, 1 sent, 1 failed.
    const expected = { counts: { delivered: 2, sent: 1, failed: 1 }, total: 4 };
    expect(await readCounts(account, id)).toEqual(expected);

    const phases: string[] = [];
    await runMove(await recordMove(account.id, 1), async (phase) => {
      phases.push(phase);
      expect({ phase, batch: await readCounts(account, id) }).toEqual({ phase, batch: expected });
    });
    expect(phases).toEqual(expect.arrayContaining(["copying", "verifying", "sealing_keys", "flipped", "recopying", "deleting", "done"]));
  });

  it("counts a message created at the target during the move once, beside the ones the move carries", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const id = await storeBatch(account, ["delivered", "queued"]);
    let added = false;
    await runMove(await recordMove(account.id, 1), async (phase) => {
      if (phase === "verifying" && !added) {
        // New messages go to the target from the start of the move.
        await storeMessage(account, { id: newMessageId(1), batchId: id, status: "sent" }, 1);
        added = true;
      }
      const expected = added ? { counts: { delivered: 1, queued: 1, sent: 1 }, total: 3 } : { counts: { delivered: 1, queued: 1 }, total: 2 };
      expect({ phase, batch: await readCounts(account, id) }).toEqual({ phase, batch: expected });
    });
  });
});
