// Delivery reports from the providers. Not called with an API key: each
// request's signature is verified before anything in it is believed.

import type { Context } from "hono";
import { loadConfig } from "../../config.ts";
import { timingSafeEqualStrings } from "../../domain/crypto.ts";
import { bodyText } from "../../http/body.ts";
import type { AppEnv } from "../../http/context.ts";
import { errors } from "../../http/errors.ts";
import { createRouter } from "../../http/router.ts";
import { verifyResendWebhook } from "../../providers/resend.ts";
import { twilioInbound, twilioReceipt, twilioSignature } from "../../providers/twilio.ts";
import { whatsappInbound, whatsappReceipts, whatsappSignature } from "../../providers/whatsapp.ts";
import { receiveFromProvider } from "../../services/inbound.ts";
import { applyReceipt } from "../../services/receipts.ts";

export const providersRouter = createRouter();

/** A Twilio request's form params, once its X-Twilio-Signature (over the URL and the sorted params) is verified. */
async function verifiedTwilioParams(c: Context<AppEnv>): Promise<Record<string, string>> {
  const params = Object.fromEntries(new URLSearchParams(await bodyText(c.req.raw)));
  const token = loadConfig(c.env).twilio.credentials?.authToken;
  const signature = c.req.header("x-twilio-signature") ?? "";
  if (!token || !timingSafeEqualStrings(await twilioSignature(token, c.req.url, params), signature)) throw errors.invalidSignature("Twilio");
  return params;
}

providersRouter
  .post("/v1/providers/twilio/status", async (c) => {
    const params = await verifiedTwilioParams(c);
    await applyReceipt(c.env, twilioReceipt(params, c.req.query("message_id") ?? null));
    return c.body(null, 200);
  })
  // Twilio's incoming-message webhook (the number's "A message comes in"), answered with empty TwiML: no auto-reply.
  .post("/v1/providers/twilio/inbound", async (c) => {
    const report = twilioInbound(await verifiedTwilioParams(c));
    if (report) await receiveFromProvider(c.env, report);
    return c.body('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 200, { "Content-Type": "text/xml" });
  })
  // Meta: the subscription handshake, then X-Hub-Signature-256 over the raw body.
  .get("/v1/providers/whatsapp/webhook", (c) => {
    const token = loadConfig(c.env).whatsapp.verifyToken;
    const given = c.req.query("hub.verify_token") ?? "";
    if (c.req.query("hub.mode") !== "subscribe" || !token || !timingSafeEqualStrings(token, given)) throw errors.invalidSignature("WhatsApp");
    return c.text(c.req.query("hub.challenge") ?? "");
  })
  .post("/v1/providers/whatsapp/webhook", async (c) => {
    const body = await bodyText(c.req.raw);
    const secret = loadConfig(c.env).whatsapp.appSecret;
    const signature = c.req.header("x-hub-signature-256") ?? "";
    if (!secret || !timingSafeEqualStrings(await whatsappSignature(secret, body), signature)) throw errors.invalidSignature("WhatsApp");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      throw errors.invalidRequest("invalid_json", "The webhook body is not valid JSON.");
    }
    for (const receipt of whatsappReceipts(payload)) await applyReceipt(c.env, receipt);
    for (const report of whatsappInbound(payload)) await receiveFromProvider(c.env, report);
    return c.body(null, 200);
  })
  // Resend: Svix signatures (svix-id, svix-timestamp, svix-signature).
  .post("/v1/providers/resend/webhook", async (c) => {
    const body = await bodyText(c.req.raw);
    const secret = loadConfig(c.env).resend.webhookSecret;
    let receipt: ReturnType<typeof verifyResendWebhook>;
    try {
      if (!secret) throw new Error("no secret configured");
      receipt = verifyResendWebhook(secret, body, c.req.raw.headers);
    } catch {
      throw errors.invalidSignature("Resend");
    }
    if (receipt) await applyReceipt(c.env, receipt);
    return c.body(null, 200);
  });
