// Replies through the providers' own inbound webhooks: Twilio's incoming-
// message webhook (X-Twilio-Signature) and WhatsApp `messages` notifications
// (X-Hub-Signature-256). Signed ones are stored for the account that holds
// the receiving number and apply STOP and START; unsigned or wrongly signed
// ones are a 401 and store nothing; a number nobody holds is acknowledged and dropped.
import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it, vi } from "vitest";
import { PROVIDER_SECRETS, SIGNED_TWILIO_INBOUND, whatsappNotification } from "../fixtures/signed-reports.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { listMessages } from "../support/messages.ts";
import { metaRequestSignature, twilioRequestSignature } from "../support/provider-signing.ts";
import { bindSender, freshNumber, freshPhoneNumberId } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";
import { setInboundCallback, suppressionsOf } from "./inbound.fixture.ts";

const TWILIO_INBOUND_PATH = "/v1/providers/twilio/inbound";
const signatures = inject("providerSignatures");

function postTwilio(params: Record<string, string>, signature?: string) {
  return api(TWILIO_INBOUND_PATH, {
    key: null,
    form: new URLSearchParams(params).toString(),
    headers: signature === undefined ? {} : { "X-Twilio-Signature": signature },
  });
}

async function signedTwilio(params: Record<string, string>) {
  return postTwilio(params, await twilioRequestSignature(PROVIDER_SECRETS.twilioAuthToken, SIGNED_TWILIO_INBOUND.url, params));
}

const twilioReply = (to: string, from: string, body: string) => ({
  MessageSid: `SM${crypto.randomUUID().replaceAll("-", "")}`,
  AccountSid: "AC00000000000000000000000000000001",
  From: from,
  To: to,
  Body: body,
  NumMedia: "0",
});

function whatsappPayload(number: string, phoneNumberId: string, from: string, text: string) {
  return whatsappNotification({
    messaging_product: "whatsapp",
    metadata: { display_phone_number: number.slice(1), phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: "Ana" }, wa_id: from.slice(1) }],
    messages: [{ from: from.slice(1), id: `wamid.${crypto.randomUUID()}`, timestamp: "1750263773", type: "text", text: { body: text } }],
  });
}

function postWhatsapp(body: string, signature?: string) {
  return api("/v1/providers/whatsapp/webhook", {
    key: null,
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", ...(signature === undefined ? {} : { "X-Hub-Signature-256": signature }) },
  });
}

async function liveWithNumber(channel: "sms" | "whatsapp", address = freshNumber()): Promise<{ account: TestAccount; number: string; phoneNumberId: string }> {
  const account = await createAccount("live");
  const phoneNumberId = freshPhoneNumberId();
  await bindSender(account, channel, { address, phone_number_id: channel === "whatsapp" ? phoneNumberId : undefined });
  return { account, number: address, phoneNumberId };
}

describe("Twilio's incoming-message webhook", () => {
  it("accepts a reply signed by Twilio's own library, stores it for the number's account, and STOP suppresses the sender", async () => {
    const { account } = await liveWithNumber("sms", SIGNED_TWILIO_INBOUND.params.To);
    const res = await postTwilio({ ...SIGNED_TWILIO_INBOUND.params }, signatures.twilioInbound);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/xml/);
    expect(await res.text()).toContain("<Response></Response>");
    const [inbound] = (await listMessages(account.key, { direction: "inbound" })).data as unknown as Record<string, unknown>[];
    expect(inbound).toMatchObject({
      direction: "inbound",
      channel: "sms",
      status: "received",
      from: "+14155550166",
      to: "+14155550177",
      content: { text: "Stop" },
    });
    expect(await suppressionsOf(account)).toEqual([
      expect.objectContaining({ channel: "sms", address: "+14155550166", reason: "opt_out", source_message_id: inbound!.id }),
    ]);
  });

  it("STOP then START: the live account's next send is refused, then accepted", async () => {
    const { account, number } = await liveWithNumber("sms");
    expect((await signedTwilio(twilioReply(number, "+14155550123", "STOP"))).status).toBe(200);
    const send = () => api("/v1/messages", { key: account.key, json: { channel: "sms", to: "+14155550123", content: { text: "hi" } } });
    await expectError(await send(), 400, { code: "recipient_suppressed", param: "to" });
    expect((await signedTwilio(twilioReply(number, "+14155550123", "start"))).status).toBe(200);
    expect((await send()).status).toBe(201);
    expect((await listMessages(account.key, { direction: "inbound" })).data).toHaveLength(2);
  });

  it("posts the reply to the live account's inbound_callback as message.received, signed with its secret", async () => {
    const { account, number } = await liveWithNumber("sms");
    const receiver = fakeReceiver();
    try {
      await setInboundCallback(account, receiver.url);
      expect((await signedTwilio(twilioReply(number, "+14155550123", "Is my order shipped?"))).status).toBe(200);
      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      const event = new Webhook(account.webhookSecret).verify(request!.body, Object.fromEntries(request!.headers)) as {
        type: string;
        data: Record<string, unknown>;
      };
      expect(event.type).toBe("message.received");
      expect(event.data).toMatchObject({
        object: "message",
        direction: "inbound",
        to: number,
        from: "+14155550123",
        content: { text: "Is my order shipped?" },
      });
    } finally {
      receiver.restore();
    }
  });

  it("stores a retried report once, and does not apply its keyword again (a replayed STOP after START stays lifted)", async () => {
    const { account, number } = await liveWithNumber("sms");
    const stop = twilioReply(number, "+14155550123", "STOP");
    expect((await signedTwilio(stop)).status).toBe(200);
    expect((await signedTwilio(stop)).status).toBe(200);
    expect((await listMessages(account.key, { direction: "inbound" })).data).toHaveLength(1);
    expect(await suppressionsOf(account)).toHaveLength(1);
    await signedTwilio(twilioReply(number, "+14155550123", "START"));
    expect((await signedTwilio(stop)).status).toBe(200);
    expect(await suppressionsOf(account)).toEqual([]);
    expect((await listMessages(account.key, { direction: "inbound" })).data).toHaveLength(2);
  });

  it.each([
    ["without a signature", undefined],
    ["with a wrong signature", "bm90IGEgc2lnbmF0dXJl"],
  ])("is a 401 %s, and stores nothing", async (_, signature) => {
    const { account, number } = await liveWithNumber("sms");
    const res = await expectNothingStored(account, () => postTwilio(twilioReply(number, "+14155550123", "STOP"), signature));
    expect(res.status).toBe(401);
  });

  it("is a 401 once a signed parameter changes (the body), and stores nothing", async () => {
    const { account, number } = await liveWithNumber("sms");
    const params = twilioReply(number, "+14155550123", "hello");
    const signature = await twilioRequestSignature(PROVIDER_SECRETS.twilioAuthToken, SIGNED_TWILIO_INBOUND.url, params);
    const res = await expectNothingStored(account, () => postTwilio({ ...params, Body: "STOP" }, signature));
    expect(res.status).toBe(401);
  });

  it("acknowledges a reply to a number no account holds, stores nothing and logs no content", async () => {
    const bystander = await createAccount("live");
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const res = await expectNothingStored(bystander, () => signedTwilio(twilioReply(freshNumber(), "+14155550123", "STOP secret-content")));
    expect(res.status).toBe(200);
    const logged = warned.mock.calls.map((call) => call.join(" ")).join("\n");
    expect(logged).toContain("inbound_for_unknown_number");
    expect(logged).not.toContain("secret-content");
    vi.restoreAllMocks();
  });

  it("does not count against the live account's daily cap", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    const number = freshNumber();
    await bindSender(account, "sms", { address: number });
    for (let i = 0; i < 3; i++) expect((await signedTwilio(twilioReply(number, "+14155550123", `reply ${i}`))).status).toBe(200);
    expect((await api("/v1/messages", { key: account.key, json: { channel: "sms", to: "+14155550123", content: { text: "hi" } } })).status).toBe(201);
  });
});

describe("WhatsApp messages notifications", () => {
  it("STOP then START through signed notifications, matched by the receiving number's phone_number_id", async () => {
    const { account, number, phoneNumberId } = await liveWithNumber("whatsapp");
    const stop = whatsappPayload(number, phoneNumberId, "+919876543210", "STOP");
    expect((await postWhatsapp(stop, await metaRequestSignature(PROVIDER_SECRETS.whatsappAppSecret, stop))).status).toBe(200);
    const [inbound] = (await listMessages(account.key, { direction: "inbound" })).data as unknown as Record<string, unknown>[];
    expect(inbound).toMatchObject({ channel: "whatsapp", from: "+919876543210", to: number, status: "received", content: { text: "STOP" } });
    expect(await suppressionsOf(account)).toEqual([expect.objectContaining({ channel: "whatsapp", address: "+919876543210", reason: "opt_out" })]);

    const start = whatsappPayload(number, phoneNumberId, "+919876543210", "Start");
    expect((await postWhatsapp(start, await metaRequestSignature(PROVIDER_SECRETS.whatsappAppSecret, start))).status).toBe(200);
    expect(await suppressionsOf(account)).toEqual([]);
  });

  it("finds the number by its phone_number_id alone, and stores it as the sender's address", async () => {
    const { account, number, phoneNumberId } = await liveWithNumber("whatsapp");
    const body = whatsappPayload("+15550783881", phoneNumberId, "+919876543210", "hello");
    expect((await postWhatsapp(body, await metaRequestSignature(PROVIDER_SECRETS.whatsappAppSecret, body))).status).toBe(200);
    const [inbound] = (await listMessages(account.key, { direction: "inbound" })).data as unknown as Record<string, unknown>[];
    expect(inbound).toMatchObject({ to: number, content: { text: "hello" } });
  });

  it.each([
    ["without a signature", undefined],
    ["with a wrong signature", `sha256=${"0".repeat(64)}`],
  ])("is a 401 %s, and stores nothing", async (_, signature) => {
    const { account, number, phoneNumberId } = await liveWithNumber("whatsapp");
    const body = whatsappPayload(number, phoneNumberId, "+919876543210", "STOP");
    const res = await expectNothingStored(account, () => postWhatsapp(body, signature));
    expect(res.status).toBe(401);
  });
});
