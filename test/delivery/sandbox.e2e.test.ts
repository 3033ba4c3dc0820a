// Every row of the README's sandbox table, end to end: API -> Queue -> consumer -> Durable Object -> D1.
// One real run per row, each bounded tightly: the sandbox answers at once and
// reports 100 ms later (vitest.config.ts). The flaky number's Queue retries are
// not waited for here; test/delivery/sandbox.errors.test.ts drives them.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { eventually, waitForStatusThroughQueue } from "../support/wait.ts";

const FINAL = ["delivered", "read", "undelivered", "failed"];
/** How long a row may take through the real Queue, Durable Object and alarm, with the rest of the suite running. */
const BOUND_MS = 10_000;

describe("sandbox (test keys)", () => {
  it("delivers an SMS to an ordinary number, with delivered_at and provider_latency_ms", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const { id } = await createMessage(account, { channel: "SMS", to: "+14155550123", content: { text: "hi" } });
    const message = await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS);
    expect(message).toMatchObject({ status: "delivered", error: null });
    expect(message.delivered_at).toBeGreaterThanOrEqual(before);
    expect(message.provider_latency_ms).toBeGreaterThanOrEqual(100);
  });

  it("fails +15005550001 at hand-off with invalid_number", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550001", content: { text: "hi" } });
    expect(await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS)).toMatchObject({
      status: "failed",
      delivered_at: null,
      error: { code: "invalid_number" },
    });
  });

  it("sends +15005550002, then reports it undelivered with carrier_rejected", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550002", content: { text: "hi" } });
    expect(await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS)).toMatchObject({ status: "undelivered", error: { code: "carrier_rejected" } });
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: { status?: string } }[] }>();
    expect(events.data.filter((e) => e.type === "status.changed").map((e) => e.data.status)).toEqual(["sent", "undelivered"]);
  });

  it("answers +15005550003's first hand-off with a 503, which the consumer hands back to the Queue to retry", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550003", content: { text: "hi" } });
    const first = await eventually(async () => {
      const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: Record<string, unknown> }[] }>();
      return events.data.find((e) => e.type === "provider.attempt");
    }, BOUND_MS);
    expect(first.data).toMatchObject({ outcome: "retryable_error", http_status: 503, code: "provider_unavailable" });
  });

  it("bounces email to bounce@ any domain as failed with email_bounced", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "EMAIL", to: "bounce@customer.example", content: { subject: "Hi", text: "hi" } });
    expect(await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS)).toMatchObject({ status: "failed", error: { code: "email_bounced" } });
  });

  it("delivers email to any other address", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "EMAIL", to: "ana@customer.example", content: { subject: "Hi", html: "<b>hi</b>" } });
    expect(await waitForStatusThroughQueue(account, id, FINAL, BOUND_MS)).toMatchObject({ status: "delivered" });
  });

  it("delivers and then reads a WhatsApp message", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { text: "hi" } });
    const message = await waitForStatusThroughQueue(account, id, ["read", "undelivered", "failed"], BOUND_MS);
    expect(message).toMatchObject({ status: "read", error: null });
    expect(message.delivered_at).toEqual(expect.any(Number));
  });
});
