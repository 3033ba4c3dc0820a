// A delivery report that arrives before the hand-off's answer is recorded:
// providers do report that early (the provider call is still open on our
// side), and Twilio does not reliably retry a status callback, so the report
// is kept and applied once the answer is in. Each provider's hand-off answer
// is held open (test/support/hold.ts) while its signed report is posted:
// Twilio's signed by Twilio's own library (test/setup/provider-signatures.ts),
// Resend's by the svix library, Meta's as Meta documents it.
import { Webhook } from "svix";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { PROVIDER_SECRETS, SIGNED_TWILIO_EARLY, whatsappNotification } from "../fixtures/signed-reports.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { projectedMessage } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { hold } from "../support/hold.ts";
import { metaRequestSignature, resendEvent } from "../support/provider-signing.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => {
  fake?.restore();
  vi.restoreAllMocks();
});

const signatures = inject("providerSignatures");

/** The hand-off's answer from the fake provider, held open until released. */
function heldHandOff(answer: () => Response) {
  const call = hold();
  fake = fakeProviders();
  fake.respondWith(async () => {
    await call.wait();
    return answer();
  });
  return call;
}

/** Hands the message off with its provider's answer held, posts `report` while the call is open, then lets the answer through. */
async function reportDuringHandOff(id: string, call: ReturnType<typeof hold>, report: () => Promise<Response>) {
  const consumer = runConsumer([id]);
  await call.reached();
  const res = await report();
  call.release();
  await consumer;
  return res;
}

async function shown(account: TestAccount, id: string) {
  const message = await (await api(`/v1/messages/${id}`, { key: account.key })).json<{ status: string }>();
  const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: { type: string; data: { status?: string } }[] }>();
  const changes = events.data.filter((event) => event.type === "status.changed").map((event) => event.data.status);
  return { status: message.status, changes };
}

describe("a provider's report that comes while the hand-off's call is still open", () => {
  it("Twilio (signed by Twilio's library): kept, and the message ends delivered once the answer is recorded", async () => {
    const account = await createAccount("live");
    const { messageId, params, url } = SIGNED_TWILIO_EARLY;
    const call = heldHandOff(() => Response.json({ sid: params.MessageSid, status: "queued" }, { status: 201 }));
    const id = await storeMessage(account, { id: messageId, to: params.To, from: params.From });
    const res = await reportDuringHandOff(id, call, () =>
      api(url.slice("http://api.omniflow.test".length), {
        key: null,
        form: new URLSearchParams(params).toString(),
        headers: { "X-Twilio-Signature": signatures.twilioEarly },
      }),
    );
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    expect(await shown(account, id)).toEqual({ status: "delivered", changes: ["sent", "delivered"] });
  });

  it("Resend (signed by the svix library): kept, and the message ends delivered", async () => {
    const account = await createAccount("live");
    const emailId = crypto.randomUUID();
    const call = heldHandOff(() => Response.json({ id: emailId }));
    const id = await storeMessage(account, {
      channel: "email",
      to: "ana@example.com",
      from: "noreply@acme.example",
      rendered: { channel: "email", subject: "Hi", text: "hi" },
    });
    const body = resendEvent("email.delivered", emailId, id);
    const svixId = `msg_${crypto.randomUUID()}`;
    const at = new Date();
    const headers = {
      "Content-Type": "application/json",
      "svix-id": svixId,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(PROVIDER_SECRETS.resendWebhookSecret).sign(svixId, at, body),
    };
    const res = await reportDuringHandOff(id, call, () => api("/v1/providers/resend/webhook", { key: null, method: "POST", body, headers }));
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    expect(await shown(account, id)).toEqual({ status: "delivered", changes: ["sent", "delivered"] });
  });

  it("WhatsApp (signed as Meta documents it): kept, and the message ends delivered", async () => {
    const account = await createAccount("live");
    const wamid = `wamid.${crypto.randomUUID()}`;
    const call = heldHandOff(() => Response.json({ messaging_product: "whatsapp", messages: [{ id: wamid }] }));
    const id = await storeMessage(account, { channel: "whatsapp", to: "+919876543210", rendered: { channel: "whatsapp", type: "text", text: "hi" } });
    const body = whatsappNotification({
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
      statuses: [
        { id: wamid, status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: "919876543210", biz_opaque_callback_data: id },
      ],
    });
    const signature = await metaRequestSignature(PROVIDER_SECRETS.whatsappAppSecret, body);
    const res = await reportDuringHandOff(id, call, () =>
      api("/v1/providers/whatsapp/webhook", {
        key: null,
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature },
      }),
    );
    expect(res.status).toBe(200);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    expect(await shown(account, id)).toEqual({ status: "delivered", changes: ["sent", "delivered"] });
  });
});
