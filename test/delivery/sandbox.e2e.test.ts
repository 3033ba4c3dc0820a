// Every row of the README's sandbox table, end to end: API -> Queue -> consumer -> Durable Object -> D1.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";

const FINAL = ["delivered", "read", "undelivered", "failed"];

describe("sandbox (test keys)", () => {
  it("delivers an SMS to an ordinary number, with delivered_at and provider_latency_ms", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const { id } = await createMessage(account, { channel: "SMS", to: "+14155550123", content: { text: "hi" } });
    const message = await waitForStatus(account, id, FINAL);
    expect(message).toMatchObject({ status: "delivered", error: null });
    expect(message.delivered_at).toBeGreaterThanOrEqual(before);
    expect(message.provider_latency_ms).toBeGreaterThanOrEqual(100);
  });

  it("fails +15005550001 at hand-off with invalid_number", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550001", content: { text: "hi" } });
    expect(await waitForStatus(account, id, FINAL)).toMatchObject({
      status: "failed",
      delivered_at: null,
      error: { code: "invalid_number" },
    });
  });

  it("sends +15005550002, then reports it undelivered with carrier_rejected", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550002", content: { text: "hi" } });
    expect(await waitForStatus(account, id, FINAL)).toMatchObject({ status: "undelivered", error: { code: "carrier_rejected" } });
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: { status?: string } }[] }>();
    expect(events.data.filter((e) => e.type === "status.changed").map((e) => e.data.status)).toEqual(["sent", "undelivered"]);
  });

  // Two Queue retries (2 s, then 4 s, with jitter) take ~6 s alone. In full
  // fresh-clone runs, where the other files share the local runtime, Queue and
  // Durable Objects, it has taken 24-31 s (once over a 30 s wait), so the wait
  // is generous: the assertion is about the attempts, not the time.
  it("retries +15005550003 through two 503s and delivers it on the third attempt", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+15005550003", content: { text: "hi" } });
    expect(await waitForStatus(account, id, FINAL, 90_000)).toMatchObject({ status: "delivered", error: null });
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: Record<string, unknown> }[] }>();
    const attempts = events.data.filter((e) => e.type === "provider.attempt").map((e) => [e.data.outcome, e.data.http_status ?? null]);
    expect(attempts).toEqual([
      ["retryable_error", 503],
      ["retryable_error", 503],
      ["accepted", null],
    ]);
  }, 100_000);

  it("bounces email to bounce@ any domain as failed with email_bounced", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "EMAIL", to: "bounce@customer.example", content: { subject: "Hi", text: "hi" } });
    expect(await waitForStatus(account, id, FINAL)).toMatchObject({ status: "failed", error: { code: "email_bounced" } });
  });

  it("delivers email to any other address", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "EMAIL", to: "ana@customer.example", content: { subject: "Hi", html: "<b>hi</b>" } });
    expect(await waitForStatus(account, id, FINAL)).toMatchObject({ status: "delivered" });
  });

  it("delivers and then reads a WhatsApp message", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { text: "hi" } });
    const message = await waitForStatus(account, id, ["read", "undelivered", "failed"]);
    expect(message).toMatchObject({ status: "read", error: null });
    expect(message.delivered_at).toEqual(expect.any(Number));
  });
});
