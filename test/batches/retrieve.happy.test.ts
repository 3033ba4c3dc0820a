// A batch after its create: replayed by its Idempotency-Key, read with its
// counts per status, canceled while scheduled; never another account's.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

useFakeProviders();

interface BatchObject {
  id: string;
  object: "batch";
  counts: Record<string, number>;
  total: number;
  metadata: Record<string, string>;
  created_at: number;
}

const readBatch = async (key: string, id: string) => (await api(`/v1/batches/${id}`, { key })).json<BatchObject>();

describe("Idempotency-Key on POST /v1/messages/batch", () => {
  it("a replay answers the same batch with the same ids and creates nothing; other parameters are a mismatch", async () => {
    const account = await createAccount();
    const body = { validation: "permissive", messages: [smsBody({ to: recipient(1) }), smsBody({ to: "bad" }), smsBody({ to: recipient(2) })] };
    const headers = { "Idempotency-Key": "batch-1" };
    const first = await sendBatch(account, body, headers);
    expect(first.status).toBe(201);
    const answer = await first.text();
    const replay = await sendBatch(account, body, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.text()).toBe(answer);
    expect(await messageCount(account.id)).toBe(2);
    const other = await sendBatch(account, { ...body, validation: "strict" }, headers);
    await expectError(other, 400, { type: "idempotency_error", code: "idempotency_parameters_mismatch" });
  });
});

describe("GET /v1/batches/:id", () => {
  it("answers the batch with its metadata and how many of its messages are in each status", async () => {
    const account = await createAccount();
    const messages = [
      smsBody({ to: recipient(1) }),
      smsBody({ to: recipient(2) }),
      smsBody({ to: recipient(3), send_at: Math.floor(Date.now() / 1000) + 3600 }),
    ];
    const batch = await (await sendBatch(account, { metadata: { campaign: "c1" }, messages })).json<BatchAnswer>();
    for (const message of batch.data.slice(0, 2)) await waitForStatus(account, message!.id, ["delivered"]);
    const read = await eventually(async () => {
      const found = await readBatch(account.key, batch.id);
      return found.counts.delivered === 2 && found;
    });
    expect(read).toMatchObject({ id: batch.id, object: "batch", metadata: { campaign: "c1" }, total: 3 });
    expect(Object.fromEntries(Object.entries(read.counts).filter(([, count]) => count > 0))).toEqual({ delivered: 2, scheduled: 1 });
  });

  it("is a 404 for another account's batch and for an unknown id", async () => {
    const [owner, other] = [await createAccount(), await createAccount()];
    const batch = await (await sendBatch(owner, { messages: [smsBody()] })).json<BatchAnswer>();
    await expectError(await api(`/v1/batches/${batch.id}`, { key: other.key }), 404, { code: "resource_missing" });
    await expectError(await api(`/v1/batches/${batch.id}/cancel`, { key: other.key, method: "POST" }), 404, { code: "resource_missing" });
    await expectError(await api("/v1/batches/bat_0123456789abcdef0123456789abcdef", { key: owner.key }), 404, { code: "resource_missing" });
    await expectError(await api("/v1/batches/msg_0123456789abcdef0123456789abcdef", { key: owner.key }), 404, { code: "resource_missing" });
    // And its messages are not listed for the other account.
    const listed = await (await api(`/v1/messages?batch_id=${batch.id}`, { key: other.key })).json<{ data: unknown[] }>();
    expect(listed.data).toEqual([]);
  });
});

describe("POST /v1/batches/:id/cancel", () => {
  it("cancels every message of a batch scheduled an hour ahead in one call, and leaves the sent ones", async () => {
    const account = await createAccount();
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const messages = [...Array.from({ length: 20 }, (_, i) => smsBody({ to: recipient(i), send_at: sendAt })), smsBody({ to: recipient(99) })];
    const batch = await (await sendBatch(account, { messages })).json<BatchAnswer>();
    await waitForStatus(account, batch.data[20]!.id, ["delivered"]);
    const res = await api(`/v1/batches/${batch.id}/cancel`, { key: account.key, method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: "batch_cancel", batch_id: batch.id, canceled: 20, not_cancelable: 0 });
    for (const message of batch.data.slice(0, 20)) await waitForStatus(account, message!.id, ["canceled"]);
    await waitForStatus(account, batch.data[20]!.id, ["delivered"]);
    // Canceling again finds none scheduled.
    expect(await (await api(`/v1/batches/${batch.id}/cancel`, { key: account.key, method: "POST" })).json()).toMatchObject({ canceled: 0 });
  });
});
