// Provider delivery reports: believed only with a valid signature.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { whatsappWebhooks } from "../../src/providers/whatsapp.ts";
import { whatsappNotification } from "../fixtures/signed-reports.ts";
import { api } from "../support/api.ts";
import { projectedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { metaRequestSignature, resendEvent, svixHeaders, twilioRequestSignature } from "../support/provider-signing.ts";

useFakeProviders();

const BASE = "http://api.omniflow.test";

/** Posts a WhatsApp webhook body as Meta does: signed with the app secret. */
async function postMetaWebhook(body: string): Promise<Response> {
  const headers = { "Content-Type": "application/json", "X-Hub-Signature-256": await metaRequestSignature(env.WHATSAPP_APP_SECRET!, body) };
  return api("/v1/providers/whatsapp/webhook", { key: null, body, headers, method: "POST" });
}

describe("POST /v1/providers/twilio/status", () => {
  async function post(id: string, params: Record<string, string>, signature?: string) {
    const headers: Record<string, string> = {};
    if (signature !== undefined) headers["X-Twilio-Signature"] = signature;
    return api(`/v1/providers/twilio/status?message_id=${id}`, { key: null, form: new URLSearchParams(params).toString(), headers });
  }

  it("applies a correctly signed status callback", async () => {
    const { id, providerMessageId } = await handedOff("sms");
    const params = { MessageSid: providerMessageId, MessageStatus: "delivered", AccountSid: env.TWILIO_ACCOUNT_SID! };
    const signature = await twilioRequestSignature(env.TWILIO_AUTH_TOKEN!, `${BASE}/v1/providers/twilio/status?message_id=${id}`, params);
    const res = await post(id, params, signature);
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });

  it("maps undelivered with its Twilio error code", async () => {
    const { id, providerMessageId } = await handedOff("sms");
    const params = { MessageSid: providerMessageId, MessageStatus: "undelivered", ErrorCode: "30007" };
    const signature = await twilioRequestSignature(env.TWILIO_AUTH_TOKEN!, `${BASE}/v1/providers/twilio/status?message_id=${id}`, params);
    expect((await post(id, params, signature)).status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "undelivered", errorCode: "carrier_rejected" });
  });

  it("acknowledges a signed report about an unknown message", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const params = { MessageSid: "SMunknown", MessageStatus: "delivered" };
    const unknown = "msg_0000000000000000000000000000dead";
    const signature = await twilioRequestSignature(env.TWILIO_AUTH_TOKEN!, `${BASE}/v1/providers/twilio/status?message_id=${unknown}`, params);
    expect((await post(unknown, params, signature)).status).toBe(200);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("receipt_for_unknown_message"));
  });
});

describe("/v1/providers/whatsapp/webhook", () => {
  const payload = (statuses: object[]) => whatsappNotification({ statuses }, "WABA");

  it("applies signed statuses that arrive out of order (read before delivered)", async () => {
    const { id, providerMessageId } = await handedOff("whatsapp");
    const body = payload([
      { id: providerMessageId, status: "read", timestamp: "1718329485", recipient_id: "919876543210", biz_opaque_callback_data: id },
      { id: providerMessageId, status: "delivered", timestamp: "1718329484", recipient_id: "919876543210", biz_opaque_callback_data: id },
    ]);
    const res = await postMetaWebhook(body);
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "read", deliveredAt: expect.any(Number) });
  });

  it("maps a failed status with Meta's error code", async () => {
    const { id, providerMessageId } = await handedOff("whatsapp");
    const body = payload([
      { id: providerMessageId, status: "failed", biz_opaque_callback_data: id, errors: [{ code: 131026, title: "Message undeliverable" }] },
    ]);
    await postMetaWebhook(body);
    await projectedMessage(id).toMatchObject({ status: "failed", errorCode: "unreachable_destination" });
  });
});

describe("/v1/providers/whatsapp/webhook: how Meta bills the message", () => {
  /**
   * A `delivered` status in the shape of Meta's status messages webhook reference
   * (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/status/,
   * v24.0+: `pricing` without `conversation`), its placeholders filled with values of the kinds the reference
   * lists, and the message it is about.
   */
  const metaStatus = (wamid: string, messageId: string, pricing?: Record<string, unknown>) => ({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              statuses: [
                {
                  id: wamid,
                  status: "delivered",
                  timestamp: "1750263773",
                  recipient_id: "919876543210",
                  biz_opaque_callback_data: messageId,
                  ...(pricing ? { pricing } : {}),
                },
              ],
            },
            field: "messages",
          },
        ],
      },
    ],
  });
  const utility = { billable: true, pricing_model: "PMP", type: "regular", category: "utility" };

  it("reads Meta's pricing (category, type, model, billable) into the receipt's detail", async () => {
    const body = JSON.stringify(metaStatus("wamid.HBgLOTE5ODc2NTQzMjEwFQIAERgSQkY5", "msg_019ec8f3a1b27c3d8e9f0a1b2c30001", utility));
    const headers = new Headers({ "X-Hub-Signature-256": await metaRequestSignature(env.WHATSAPP_APP_SECRET!, body) });
    const read = await whatsappWebhooks({ appSecret: env.WHATSAPP_APP_SECRET }).read({ url: `${BASE}/v1/providers/whatsapp/webhook`, headers, body });
    expect(read).toMatchObject({
      ok: true,
      receipts: [{ status: "delivered", detail: "status=delivered pricing_category=utility pricing_type=regular pricing_model=PMP billable=true" }],
    });
  });

  it("leaves out of the detail a pricing value that is not one word (an object, spaces, a long text), and a status without pricing says only its status", async () => {
    const odd = { billable: { yes: true }, pricing_model: "P M P", type: "r".repeat(41), category: "utility" };
    for (const [pricing, detail] of [
      [odd, "status=delivered pricing_category=utility"],
      [undefined, "status=delivered"],
    ] as const) {
      const body = JSON.stringify(metaStatus("wamid.HBgLOTE5ODc2NTQzMjEwFQIAERgSQkY5", "msg_019ec8f3a1b27c3d8e9f0a1b2c30001", pricing));
      const headers = new Headers({ "X-Hub-Signature-256": await metaRequestSignature(env.WHATSAPP_APP_SECRET!, body) });
      const read = await whatsappWebhooks({ appSecret: env.WHATSAPP_APP_SECRET }).read({ url: `${BASE}/v1/providers/whatsapp/webhook`, headers, body });
      expect(read).toMatchObject({ ok: true, receipts: [{ detail }] });
    }
  });

  it("shows on the message's timeline the category Meta billed, beside the status", async () => {
    const { id, providerMessageId, account } = await handedOff("whatsapp");
    const body = JSON.stringify(metaStatus(providerMessageId, id, { ...utility, category: "marketing" }));
    const res = await postMetaWebhook(body);
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: Record<string, unknown> }[] }>();
    expect(events.data.find((event) => event.type === "status.changed" && event.data.status === "delivered")?.data).toMatchObject({
      source: "whatsapp",
      detail: expect.stringContaining("pricing_category=marketing"),
    });
  });
});

describe("POST /v1/providers/resend/webhook", () => {
  it("applies email.delivered and email.bounced, and notes email.delivery_delayed", async () => {
    const delivered = await handedOff("email");
    let body = resendEvent("email.delivery_delayed", delivered.providerMessageId, delivered.id);
    expect((await api("/v1/providers/resend/webhook", { key: null, body, headers: svixHeaders(body), method: "POST" })).status).toBe(200);
    await projectedMessage(delivered.id).toMatchObject({ status: "sent" });
    body = resendEvent("email.delivered", delivered.providerMessageId, delivered.id);
    expect((await api("/v1/providers/resend/webhook", { key: null, body, headers: svixHeaders(body), method: "POST" })).status).toBe(200);
    await projectedMessage(delivered.id).toMatchObject({ status: "delivered" });

    const bounced = await handedOff("email");
    body = resendEvent("email.bounced", bounced.providerMessageId, bounced.id, { bounce: { message: "Mailbox does not exist" } });
    await api("/v1/providers/resend/webhook", { key: null, body, headers: svixHeaders(body), method: "POST" });
    await projectedMessage(bounced.id).toMatchObject({ status: "failed", errorCode: "email_bounced", errorMessage: "Mailbox does not exist" });
  });
});
