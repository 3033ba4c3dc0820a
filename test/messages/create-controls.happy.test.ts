// The create's delivery controls: fallback steps resolved as the
// message itself is (the step's sender from its channel's pool, in the same
// one gate call), stored the same from JSON and from a form body.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { storedMessage } from "../support/db.ts";
import { bindSender } from "../support/resources.ts";

afterEach(() => vi.restoreAllMocks());

const body = {
  channel: "WHATSAPP",
  to: "+14155550123",
  content: { text: "Your code is 849201" },
  fallback: [{ channel: "SMS" }, { channel: "EMAIL", to: "ana@example.com", content: { subject: "Your code", text: "849201" } }],
  fallback_after: 60,
  validity_period: 300,
};
const form =
  "channel=WHATSAPP&to=%2B14155550123&content[text]=Your+code+is+849201&fallback[0][channel]=SMS&fallback[1][channel]=EMAIL&fallback[1][to]=ana%40example.com" +
  "&fallback[1][content][subject]=Your+code&fallback[1][content][text]=849201&fallback_after=60&validity_period=300";

describe("POST /v1/messages with fallback steps", () => {
  it("stores the same steps from JSON and from a form body, each with its channel's default sender and content", async () => {
    const account = await createAccount();
    const fromJson = await (await api("/v1/messages", { key: account.key, json: body })).json<Record<string, unknown> & { id: string }>();
    const fromForm = await (await api("/v1/messages", { key: account.key, form })).json<Record<string, unknown> & { id: string }>();
    const shape = ({ id: _, created_at: __, expires_at: ___, ...rest }: Record<string, unknown>) => rest;
    expect(shape(fromForm)).toEqual(shape(fromJson));
    expect(fromJson).toMatchObject({
      status: "queued",
      fallback: [
        { channel: "sms", to: "+14155550123", from: "+15005550006", content: null },
        { channel: "email", to: "ana@example.com", from: "OmniFlow Sandbox <sandbox@omniflow.dev>", content: { subject: "Your code", text: "849201" } },
      ],
      fallback_after: 60,
      attempts: [],
      delivered_channel: null,
    });
    expect(fromJson.expires_at).toBe((fromJson.created_at as number) + 300);
    const [a, b] = [await storedMessage(fromJson.id), await storedMessage(fromForm.id)];
    expect(b.fallback).toEqual(a.fallback);
    expect(a.fallback![0]!.rendered).toEqual({ channel: "sms", text: "Your code is 849201" });
  });

  it("reads the steps' senders with the key in the one gate call, and picks a live step's sender from its pool", async () => {
    const account = await createAccount("live");
    const whatsapp = await bindSender(account, "whatsapp");
    const sms = await bindSender(account, "sms");
    const admit = vi.spyOn(AccountGate.prototype, "admit");
    const res = await api("/v1/messages", {
      key: account.key,
      json: { channel: "WHATSAPP", to: "+14155550123", content: { text: "hi" }, fallback: [{ channel: "SMS" }] },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ from: whatsapp.address, fallback: [{ channel: "sms", from: sms.address }] });
    expect(admit.mock.calls.filter(([request]) => request.accountId === account.id)).toHaveLength(1);
  });
});
