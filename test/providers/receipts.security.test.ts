// Provider delivery reports: believed only with a valid signature.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { whatsappNotification } from "../fixtures/signed-reports.ts";
import { api } from "../support/api.ts";
import { projectedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { resendEvent, svixHeaders, twilioRequestSignature } from "../support/provider-signing.ts";

useFakeProviders();

const BASE = "http://api.omniflow.test";

describe("POST /v1/providers/twilio/status", () => {
  async function post(id: string, params: Record<string, string>, signature?: string) {
    const headers: Record<string, string> = {};
    if (signature !== undefined) headers["X-Twilio-Signature"] = signature;
    return api(`/v1/providers/twilio/status?message_id=${id}`, { key: null, form: new URLSearchParams(params).toString(), headers });
  }

  it.each([
    ["wrongly signed", "c2lnbmVkIHdpdGggdGhlIHdyb25nIGtleQ=="],
    ["unsigned", undefined],
  ])("rejects a %s callback with 401 and changes nothing", async (_case, signature) => {
    const { id, providerMessageId } = await handedOff("sms");
    const res = await post(id, { MessageSid: providerMessageId, MessageStatus: "delivered" }, signature);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: "authentication_error", code: "invalid_signature" } });
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it("rejects a valid signature moved onto another message id", async () => {
    const { id, providerMessageId } = await handedOff("sms");
    const other = await handedOff("sms");
    const params = { MessageSid: providerMessageId, MessageStatus: "delivered" };
    const signature = await twilioRequestSignature(env.TWILIO_AUTH_TOKEN!, `${BASE}/v1/providers/twilio/status?message_id=${id}`, params);
    const res = await post(other.id, params, signature);
    expect(res.status).toBe(401);
    await projectedMessage(other.id).toMatchObject({ status: "sent" });
  });
});

describe("/v1/providers/whatsapp/webhook", () => {
  it("answers Meta's subscription handshake only with the right verify token", async () => {
    const ok = await api("/v1/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=whatsapp-verify-token&hub.challenge=1158201444", { key: null });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const bad = await api("/v1/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", { key: null });
    expect(bad.status).toBe(401);
  });

  const payload = (statuses: object[]) => whatsappNotification({ statuses }, "WABA");

  it.each([
    ["wrongly signed", `sha256=${"0".repeat(64)}`],
    ["unsigned", undefined],
  ])("rejects a %s webhook with 401 and changes nothing", async (_case, signature) => {
    const { id, providerMessageId } = await handedOff("whatsapp");
    const body = payload([{ id: providerMessageId, status: "delivered", biz_opaque_callback_data: id }]);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (signature) headers["X-Hub-Signature-256"] = signature;
    const res = await api("/v1/providers/whatsapp/webhook", { key: null, body, headers, method: "POST" });
    expect(res.status).toBe(401);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });
});

describe("POST /v1/providers/resend/webhook", () => {
  it.each([
    ["wrongly signed", (body: string) => svixHeaders(body, `whsec_${btoa("another secret of 32 bytes......")}`)],
    ["unsigned", () => ({ "Content-Type": "application/json" })],
    ["stale", (body: string) => ({ ...svixHeaders(body), "svix-timestamp": String(Math.floor(Date.now() / 1000) - 3600) })],
  ])("rejects a %s webhook with 401 and changes nothing", async (_case, headers) => {
    const { id, providerMessageId } = await handedOff("email");
    const body = resendEvent("email.delivered", providerMessageId, id);
    const res = await api("/v1/providers/resend/webhook", { key: null, body, headers: headers(body), method: "POST" });
    expect(res.status).toBe(401);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });
});
