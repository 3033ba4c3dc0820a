// batch.completed: once every message of a batch is final, the account's
// webhook endpoints subscribed to it get one event with the batch's counts,
// however many times (and in whatever order) its messages' projections are written.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { flushProjection } from "../support/db.ts";
import { fakeReceiver, useFakeProviders } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { createEndpoint, verifyWith } from "../webhook-endpoints/webhook-endpoints.fixture.ts";
import { type BatchAnswer, recipient, recordedCompletions, sendBatch } from "./batches.fixture.ts";

useFakeProviders();
const receivers: ReturnType<typeof fakeReceiver>[] = [];
afterEach(() => {
  for (const made of receivers.splice(0)) made.restore();
  vi.restoreAllMocks();
});

describe("batch.completed", () => {
  it("is posted once to the endpoint subscribed to it when the batch's messages are all final, with its counts", async () => {
    const account = await createAccount("test");
    const hooks = fakeReceiver();
    receivers.push(hooks);
    const endpoint = await createEndpoint(account, { url: hooks.url, enabled_events: ["batch.completed"] });
    const res = await sendBatch(account, {
      validation: "permissive",
      messages: [smsBody({ to: recipient(0) }), smsBody({ to: recipient(1) }), smsBody({ to: "nope" })],
    });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    const ids = batch.data.flatMap((message) => (message ? [message.id] : []));
    expect(ids).toHaveLength(2);
    for (const id of ids) await waitForStatus(account, id, ["delivered"]);
    // Every final projection again, as a redelivery or the convergence pass would write it: still one event.
    for (const id of ids) await flushProjection(id);
    for (const id of ids) await flushProjection(id);
    expect(await recordedCompletions(account.id)).toBe(1);
    await eventually(() => hooks.requests.length === 1);
    const event = verifyWith(endpoint.secret, hooks.requests[0]!);
    expect(event).toMatchObject({ type: "batch.completed", data: { id: batch.id, object: "batch", total: 2, counts: { delivered: 2, queued: 0, sent: 0 } } });
  });

  it("is not posted while one of the batch's messages is not final", async () => {
    const account = await createAccount("test");
    const hooks = fakeReceiver();
    receivers.push(hooks);
    await createEndpoint(account, { url: hooks.url, enabled_events: ["batch.completed"] });
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const res = await sendBatch(account, { messages: [smsBody({ to: recipient(0) }), smsBody({ to: recipient(1), send_at: sendAt })] });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    const [sent, scheduled] = batch.data as { id: string }[];
    await waitForStatus(account, sent!.id, ["delivered"]);
    await flushProjection(sent!.id);
    await flushProjection(scheduled!.id);
    expect(await recordedCompletions(account.id)).toBe(0);
    // Its last message canceled (final): now it completes.
    expect((await api(`/v1/batches/${batch.id}/cancel`, { key: account.key, method: "POST" })).status).toBe(200);
    await flushProjection(scheduled!.id);
    expect(await recordedCompletions(account.id)).toBe(1);
  });
});
