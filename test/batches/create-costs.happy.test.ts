// What a batch of 1,000 costs the platform (the targets): one call to
// the account's gate, at most 2 D1 round trips per message database and
// ceil(1000/100) Queue sendBatch calls. In a file of its own, with the Queue's
// sends held, so that no delivery runs beside the counted request.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { aroundExecution, messageBindings } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

afterEach(() => vi.restoreAllMocks());

/** Round trips per D1 binding from here on: a batch() is one, a statement run alone is one. */
function countRoundTrips(bindings: D1Database[]): number[] {
  const counts = bindings.map(() => 0);
  for (const [i, binding] of bindings.entries()) {
    const prepare = binding.prepare.bind(binding);
    const batch = binding.batch.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((sql: string) =>
      aroundExecution(prepare(sql), ["run", "all", "raw", "first"], (execute) => {
        counts[i]!++;
        return execute();
      }),
    );
    vi.spyOn(binding, "batch").mockImplementation((statements) => {
      counts[i]!++;
      return batch(statements);
    });
  }
  return counts;
}

describe("a batch of 1,000", () => {
  it("makes 1 gate call, at most 2 D1 round trips per message database (and 1 on the control one) and 10 sendBatch calls", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    // The gate has loaded the account and cached the sender pool, as for any account in use.
    const sendBatchSpy = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send").mockResolvedValue({} as never);
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
    sendBatchSpy.mockClear();
    const gate = vi.spyOn(env.ACCOUNT_GATE, "getByName");
    const roundTrips = countRoundTrips([env.CONTROL_DB, ...messageBindings()]);

    const messages = Array.from({ length: 1000 }, (_, i) => smsBody({ to: recipient(i % 100), metadata: { n: String(i) } }));
    const res = await sendBatch(account, { messages });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch.data.filter((m) => m !== null)).toHaveLength(1000);

    expect(gate.mock.calls.filter(([name]) => name === account.id)).toHaveLength(1);
    const [onControl, ...onShards] = roundTrips;
    expect(onControl).toBe(1);
    // One D1 batch on each of the two message databases the account writes to.
    expect(onShards).toEqual([1, 1]);
    expect(sendBatchSpy).toHaveBeenCalledTimes(10);
    expect(sendBatchSpy.mock.calls.every(([jobs]) => [...jobs].length <= 100)).toBe(true);
    expect(sendBatchSpy.mock.calls.flatMap(([jobs]) => [...jobs].map((job) => (job.body as { messageId: string }).messageId)).sort()).toEqual(
      batch.data.map((m) => m!.id).sort(),
    );
    expect(send).toHaveBeenCalledTimes(1);
  });
});
