// The projection queue's consumer, driven batch by batch: each message's row
// takes the newest projection whatever order and however often the Queue
// delivers them, each shard is written in one D1 batch, and a move in progress
// writes both the source and the target.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { FallbackStep } from "../../src/domain/delivery-controls.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { countD1Statements } from "../support/db.ts";
import { place, projection, rowOn, runProjections, storeOn } from "./projection.fixture.ts";

afterEach(() => vi.restoreAllMocks());

const delivered = { status: "delivered", deliveredAt: 1_790_000_000, providerLatencyMs: 850, deliveredChannel: "sms" } as const;

describe("projection consumer", () => {
  it("writes the messages of an account on two shards with one placement read and one D1 batch per shard", async () => {
    const account = await createAccount();
    await place(account, { home: 0, write: [0, 1], read: [0, 1] });
    const ids = [await storeOn(0, account), await storeOn(0, account), await storeOn(1, account), await storeOn(1, account)];
    const d1 = countD1Statements([account.id, ...ids]);

    const { acked, retried } = await runProjections(ids.map((id) => projection(account, id, 10, delivered)));

    expect(acked.sort()).toEqual([...ids].sort());
    expect(retried).toEqual([]);
    // The placements in one read; per shard one round trip carrying one update per message.
    expect(d1).toEqual({ reads: 1, writes: 4, roundTrips: 3 });
    for (const [i, id] of ids.entries()) {
      expect(await rowOn(i < 2 ? 0 : 1, id)).toMatchObject({
        status: "delivered",
        deliveredAt: 1_790_000_000,
        providerLatencyMs: 850,
        deliveredChannel: "sms",
      });
    }
  });

  it("writes a full batch (100 messages of four accounts on two shards) in three round trips", async () => {
    const accounts = await Promise.all([1, 2, 3, 4].map(() => createAccount()));
    for (const account of accounts) await place(account, { home: 0, write: [0, 1], read: [0, 1] });
    const stored = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const account = accounts[i % 4]!;
        return { account, id: await storeOn(i % 2, account) };
      }),
    );
    const d1 = countD1Statements([...accounts.map((account) => account.id), ...stored.map(({ id }) => id)]);

    const { acked } = await runProjections(stored.map(({ account, id }) => projection(account, id, 10, delivered)));

    expect(acked).toHaveLength(100);
    // One read of the four placements, one batch per shard: 0.03 round trips per message besides its insert.
    expect(d1).toEqual({ reads: 1, writes: 100, roundTrips: 3 });
    for (const [i, { id }] of stored.entries()) expect((await rowOn(i % 2, id))?.status).toBe("delivered");
  });

  it("never lets an older projection overwrite a newer one, across batches and within one", async () => {
    const account = await createAccount();
    const id = await storeOn(0, account);
    const failed = { status: "failed", errorCode: "30003", errorMessage: "Unreachable destination handset" } as const;

    // Newest first, then an older one and a duplicate of the newest in the same later batch.
    await runProjections([projection(account, id, 3, failed)]);
    const late = await runProjections([projection(account, id, 2), projection(account, id, 3, failed)]);
    expect(late.acked).toHaveLength(2);
    expect(await rowOn(0, id)).toMatchObject({ status: "failed", errorCode: "30003", projectionSeq: 3 });

    // Within one batch, out of order: the newest wins, and only it is written.
    const other = await storeOn(0, account);
    const d1 = countD1Statements([other]);
    await runProjections([projection(account, other, 7, delivered), projection(account, other, 5), projection(account, other, 6, failed)]);
    expect(await rowOn(0, other)).toMatchObject({ status: "delivered", deliveredAt: 1_790_000_000, projectionSeq: 7 });
    expect(d1.writes).toBe(1);
  });

  it("keeps a newer projection's view when a later batch holds only an older one (the row's projection_seq guard)", async () => {
    const account = await createAccount();
    const id = await storeOn(0, account);
    const failed = { status: "failed", errorCode: "30003", errorMessage: "Unreachable destination handset" } as const;
    await runProjections([projection(account, id, 3, failed)]);

    // Alone in its batch, so only the database's guard can keep it off the row.
    const late = await runProjections([projection(account, id, 2, { attempts: [] })]);

    expect(late.acked).toEqual([id]);
    expect(await rowOn(0, id)).toMatchObject({
      status: "failed",
      errorCode: "30003",
      errorMessage: "Unreachable destination handset",
      attempts: null,
      projectionSeq: 3,
    });
  });

  it("writes both the source and the target while the account's shard is moving", async () => {
    const account = await createAccount();
    const id = await storeOn(0, account);
    // The move has copied the row; until it ends, changes go to both copies.
    await storeOn(1, account, { id });
    await place(account, { home: 1, write: [1], read: [0, 1], moving: { from: 0, to: 1 } });

    await runProjections([projection(account, id, 4, delivered)]);

    expect(await rowOn(0, id)).toMatchObject({ status: "delivered", projectionSeq: 4 });
    expect(await rowOn(1, id)).toMatchObject({ status: "delivered", projectionSeq: 4 });
  });

  it("writes a moved account's message on the shard it was moved to", async () => {
    const account = await createAccount();
    const id = await storeOn(1, account, { id: newMessageId(0) });
    await place(account, { home: 1, write: [1], read: [1], moved: { 0: 1 } });

    await runProjections([projection(account, id, 4, delivered)]);

    expect(await rowOn(1, id)).toMatchObject({ status: "delivered" });
    expect(await rowOn(0, id)).toBeUndefined();
  });

  it("carries a redaction: the row's content, rendered text and fallback steps' content go, the rest stays", async () => {
    const account = await createAccount();
    const step: FallbackStep = {
      channel: "email",
      to: "ana@example.com",
      from: "noreply@acme.example",
      fromId: null,
      content: { text: "849201" },
      rendered: null,
    };
    const id = await storeOn(0, account, { fallback: [step], fallbackAfter: 60 });

    await runProjections([projection(account, id, 2, { ...delivered, redactedAt: 1_790_000_001 })]);

    const row = await rowOn(0, id);
    expect(row).toMatchObject({ status: "delivered", content: {}, rendered: null, redactedAt: 1_790_000_001 });
    expect(row!.fallback).toEqual([{ ...step, content: null, rendered: null }]);
    expect(JSON.stringify(row)).not.toContain("849201");
  });
});
