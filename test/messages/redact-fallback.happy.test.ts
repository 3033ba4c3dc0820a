// Content retention with failover (issues 15 and 16 together): a message's
// fallback steps carry content of their own (their text, or the template
// rendered for their channel), and it goes with the message's: from the API,
// the D1 row, the object's state and the signed callbacks stored in its event
// log, whether the message is `discard` or redacted on demand. The sandbox:
// +15005550004 is not on WhatsApp, so the SMS step delivers.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { storedMessage } from "../support/db.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { objectStorageDump, SECRET } from "./redact.fixture.ts";

/** A WhatsApp message whose SMS step has a text of its own, both holding the secret. */
const withStep = (extra: Record<string, unknown> = {}) => ({
  channel: "WHATSAPP",
  to: "+15005550004",
  content: { text: `Your code is ${SECRET}` },
  fallback: [{ channel: "SMS", content: { text: `Code ${SECRET}` } }],
  ...extra,
});

describe("content_retention: discard with fallback steps", () => {
  it("removes every step's content and rendering once delivered, callbacks included, keeping the steps' channels and addresses", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    const created = await createMessage(account, withStep({ content_retention: "discard", status_callback: receiver.url }));
    const message = await waitForStatus(account, created.id, ["delivered"], 10_000);
    expect(message).toMatchObject({ delivered_channel: "sms", content: null, redacted_at: expect.any(Number) });
    expect(message.fallback).toEqual([{ channel: "sms", to: "+15005550004", from: expect.any(String), content: null }]);
    expect(JSON.stringify(message)).not.toContain(SECRET);
    const row = await storedMessage(created.id);
    expect(row.fallback).toEqual([expect.objectContaining({ channel: "sms", to: "+15005550004", content: null, rendered: null })]);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    // The stored callbacks (attempt failed, sent, delivered) carry the message object with its steps.
    await eventually(() => receiver.requests.length === 3);
    const dump = await objectStorageDump(created.id);
    receiver.restore();
    expect(dump.split(SECRET).length - 1).toBe(0);
  });
});

describe("POST /v1/messages/:id/redact with fallback steps", () => {
  it("answers the redacted message without its steps' content, as GET shows it after", async () => {
    const account = await createAccount();
    const created = await createMessage(account, withStep());
    await waitForStatus(account, created.id, ["delivered"], 10_000);
    const res = await api(`/v1/messages/${created.id}/redact`, { key: account.key, method: "POST" });
    expect(res.status).toBe(200);
    const answered = await res.json<{ content: unknown; fallback: { content: unknown }[] }>();
    expect(answered.content).toBeNull();
    expect(answered.fallback, "the redact answer").toEqual([expect.objectContaining({ channel: "sms", content: null })]);
    // GET shows it once the projection queue has written the row (docs/architecture.md, "Status projections").
    await expect
      .poll(async () => (await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<{ fallback: { content: unknown }[] }>()).fallback, {
        message: "GET after",
        timeout: 5_000,
        interval: 50,
      })
      .toEqual([expect.objectContaining({ channel: "sms", content: null })]);
  });
});
