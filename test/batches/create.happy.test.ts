// POST /v1/messages/batch: many creates in one request, each item the single
// create's own, with batch_id and the batch's metadata on every message.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { storedMessage } from "../support/db.ts";
import { fakeReceiver, useFakeProviders } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

useFakeProviders();

describe("POST /v1/messages/batch", () => {
  it("creates every item as the single create would, each with batch_id and the batch's metadata under its own", async () => {
    const account = await createAccount();
    const res = await sendBatch(account, {
      metadata: { campaign: "shifts", tier: "all" },
      messages: [
        smsBody({ to: recipient(1), metadata: { staff_id: "s_1", tier: "pro" } }),
        smsBody({ to: recipient(2), metadata: { tier: "" } }),
        { channel: "EMAIL", to: "ana@example.com", content: { subject: "Shift", text: "9:00" } },
      ],
    });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch).toMatchObject({ object: "batch", validation: "strict", metadata: { campaign: "shifts", tier: "all" }, errors: [] });
    expect(batch.id).toMatch(/^bat_[0-9a-f]{32}$/);
    expect(batch.data.map((m) => [m?.to, m?.status, m?.batch_id, m?.metadata])).toEqual([
      [recipient(1), "queued", batch.id, { campaign: "shifts", tier: "pro", staff_id: "s_1" }],
      [recipient(2), "queued", batch.id, { campaign: "shifts" }],
      ["ana@example.com", "queued", batch.id, { campaign: "shifts", tier: "all" }],
    ]);
    // Each is a message like any other: retrieved as answered, and delivered.
    const first = batch.data[0]!;
    const retrieved = await (await api(`/v1/messages/${first.id}`, { key: account.key })).json();
    expect(retrieved).toEqual(first);
    for (const message of batch.data) await waitForStatus(account, message!.id, ["delivered"]);
    expect(await storedMessage(first.id)).toMatchObject({ batchId: batch.id, metadata: { campaign: "shifts", tier: "pro", staff_id: "s_1" } });
  });

  it("permissive: creates the valid items and names each invalid one by index, with the error the single create gives", async () => {
    const account = await createAccount();
    const messages = Array.from({ length: 10 }, (_, i) => smsBody({ to: recipient(i) }));
    messages[2] = smsBody({ to: "not a number" });
    messages[5] = smsBody({ content: { text: "" } });
    messages[9] = smsBody({ metadata: { "bad key": "x" } });
    const res = await sendBatch(account, { validation: "permissive", messages });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch.data.map((m) => m !== null)).toEqual([true, true, false, true, true, false, true, true, true, false]);
    expect(batch.errors.map(({ index, error }) => [index, error.code, error.param])).toEqual([
      [2, "parameter_invalid", "to"],
      [5, "parameter_invalid", "content[text]"],
      [9, "parameter_invalid", "metadata[bad key]"],
    ]);
    const listed = await (await api(`/v1/messages?batch_id=${batch.id}&limit=100`, { key: account.key })).json<{ data: { id: string }[] }>();
    expect(listed.data.map((m) => m.id).sort()).toEqual(batch.data.flatMap((m) => (m ? [m.id] : [])).sort());
  });

  it("lists a batch's message by batch_id and metadata together", async () => {
    const account = await createAccount();
    const messages = Array.from({ length: 5 }, (_, i) => smsBody({ to: recipient(i), metadata: { order_id: `O${i}` } }));
    const batch = await (await sendBatch(account, { messages })).json<BatchAnswer>();
    // Another batch with the same order ids is not in the list.
    await sendBatch(account, { messages });
    const res = await api(`/v1/messages?batch_id=${batch.id}&metadata[order_id]=O3`, { key: account.key });
    const listed = await res.json<{ data: { id: string }[] }>();
    expect(listed.data.map((m) => m.id)).toEqual([batch.data[3]!.id]);
  });

  it("every status callback carries batch_id and metadata", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    const batch = await (
      await sendBatch(account, { metadata: { campaign: "c1" }, messages: [smsBody({ status_callback: receiver.url, metadata: { order_id: "A1" } })] })
    ).json<BatchAnswer>();
    await waitForStatus(account, batch.data[0]!.id, ["delivered"]);
    await eventually(() => receiver.requests.length === 2);
    const bodies = receiver.requests.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    expect(bodies.map((body) => [body.type, body.data.batch_id, body.data.metadata])).toEqual([
      ["message.sent", batch.id, { campaign: "c1", order_id: "A1" }],
      ["message.delivered", batch.id, { campaign: "c1", order_id: "A1" }],
    ]);
    receiver.restore();
  });
});
