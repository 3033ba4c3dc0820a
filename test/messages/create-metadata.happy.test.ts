// metadata on a create: the customer's own keys, returned on every read and
// list, carried in every status callback, kept through fallback and redaction.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { fakeReceiver, useFakeProviders } from "../support/fake-http.ts";
import { createMessage, listMessages, smsBody } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";

useFakeProviders();

describe("POST /v1/messages metadata", () => {
  it("is answered, retrieved and listed as given; a message without it shows {}", async () => {
    const account = await createAccount();
    const created = await createMessage(account, smsBody({ metadata: { order_id: "A1", "shift-id": "s_42" } }));
    expect(created).toMatchObject({ metadata: { order_id: "A1", "shift-id": "s_42" }, batch_id: null });
    const plain = await createMessage(account, smsBody());
    expect(plain.metadata).toEqual({});
    const retrieved = await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<Record<string, unknown>>();
    expect(retrieved.metadata).toEqual({ order_id: "A1", "shift-id": "s_42" });
    const listed = await listMessages(account.key);
    expect(listed.data.map((m) => [m.id, (m as unknown as { metadata: unknown }).metadata])).toEqual([
      [plain.id, {}],
      [created.id, { order_id: "A1", "shift-id": "s_42" }],
    ]);
  });

  it('drops keys whose value is "", and takes numbers in JSON as strings', async () => {
    const account = await createAccount();
    const created = await createMessage(account, smsBody({ metadata: { order_id: "A1", coupon: "", qty: 3 } }));
    expect(created.metadata).toEqual({ order_id: "A1", qty: "3" });
    const empty = await createMessage(account, smsBody({ metadata: { coupon: "" } }));
    expect(empty.metadata).toEqual({});
  });

  it("takes the form encoding metadata[key]=value", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", {
      key: account.key,
      form: "channel=sms&to=%2B14155550123&content[text]=hi&metadata[order_id]=A1&metadata[tier]=pro",
    });
    expect(res.status).toBe(201);
    expect((await res.json<{ metadata: unknown }>()).metadata).toEqual({ order_id: "A1", tier: "pro" });
  });

  it("writes no row of the filter index for a message without metadata, and one per key for one with it", async () => {
    const account = await createAccount();
    const plain = await createMessage(account, smsBody());
    const tagged = await createMessage(account, smsBody({ metadata: { order_id: "A1", tier: "pro" } }));
    const rows = (id: string) =>
      messageDb(id).all(sql`SELECT key, value FROM message_metadata WHERE account_id = ${account.id} AND message_id = ${id} ORDER BY key`);
    expect(await rows(plain.id)).toEqual([]);
    expect(await rows(tagged.id)).toEqual([
      { key: "order_id", value: "A1" },
      { key: "tier", value: "pro" },
    ]);
    // Deleting the message (retention, a shard move) takes its index rows with it.
    await messageDb(tagged.id).run(sql`DELETE FROM messages WHERE id = ${tagged.id}`);
    expect(await rows(tagged.id)).toEqual([]);
  });

  it("rides in every status callback, and survives redaction", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    const created = await createMessage(account, smsBody({ metadata: { order_id: "A1" }, status_callback: receiver.url, content_retention: "discard" }));
    const delivered = await waitForStatus(account, created.id, ["delivered"]);
    expect(delivered).toMatchObject({ content: null, metadata: { order_id: "A1" }, batch_id: null });
    await eventually(() => receiver.requests.length === 2);
    const bodies = receiver.requests.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    expect(bodies.map((body) => [body.type, body.data.metadata, body.data.batch_id])).toEqual([
      ["message.sent", { order_id: "A1" }, null],
      ["message.delivered", { order_id: "A1" }, null],
    ]);
    receiver.restore();
  });

  it("is kept through fallback steps: every callback of a WhatsApp failing over to SMS carries it", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    // The sandbox's "not on WhatsApp" number: the first step fails at hand-off, the SMS step is delivered.
    const created = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { text: "Your code is 849201" },
      fallback: [{ channel: "SMS" }],
      status_callback: receiver.url,
      metadata: { order_id: "A1" },
    });
    const delivered = await waitForStatus(account, created.id, ["delivered"]);
    expect(delivered).toMatchObject({ delivered_channel: "sms", metadata: { order_id: "A1" } });
    await eventually(() => receiver.requests.some((request) => request.body.includes('"message.delivered"')));
    const bodies = receiver.requests.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(bodies.map((body) => body.type)).toContain("message.attempt.failed");
    expect(bodies.every((body) => JSON.stringify(body.data.metadata) === JSON.stringify({ order_id: "A1" }))).toBe(true);
    receiver.restore();
  });
});
