// Delivery reports and inbound messages from the providers. Not called with an
// API key: each provider's adapter verifies its request's signature before
// anything in it is believed (src/providers/), and reads what it reports.
import type { Context } from "hono";
import { bodyText } from "../../http/body.ts";
import type { AppEnv } from "../../http/context.ts";
import { errors } from "../../http/errors.ts";
import { createRouter } from "../../http/router.ts";
import { providerWebhooks } from "../../providers/index.ts";
import type { ProviderWebhooks } from "../../providers/provider.ts";
import { receiveFromProvider } from "../../services/inbound.ts";
import { applyReceipt } from "../../services/receipts.ts";

export const providersRouter = createRouter();

/** What the request reports, once its provider has verified it; a 401 (or a 400 for a body it cannot read) otherwise. */
async function verified(c: Context<AppEnv>, webhooks: ProviderWebhooks) {
  const reading = await webhooks.read({ url: c.req.url, headers: c.req.raw.headers, body: await bodyText(c.req.raw) });
  if (reading.ok) return reading;
  throw reading.problem === "invalid_json"
    ? errors.invalidRequest("invalid_json", "The webhook body is not valid JSON.")
    : errors.invalidSignature(webhooks.displayName);
}

providersRouter
  .post("/v1/providers/twilio/status", async (c) => {
    const { receipts } = await verified(c, providerWebhooks(c.env).twilio);
    for (const receipt of receipts) await applyReceipt(c.env, receipt);
    return c.body(null, 200);
  })
  // Twilio's incoming-message webhook (the number's "A message comes in"), answered with empty TwiML: no auto-reply.
  .post("/v1/providers/twilio/inbound", async (c) => {
    const { inbound } = await verified(c, providerWebhooks(c.env).twilio);
    for (const report of inbound) await receiveFromProvider(c.env, c.var.control, report);
    return c.body('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 200, { "Content-Type": "text/xml" });
  })
  // Meta: the subscription handshake, then signed POSTs.
  .get("/v1/providers/whatsapp/webhook", (c) => {
    const challenge = providerWebhooks(c.env).whatsapp.handshake(new URL(c.req.url).searchParams);
    if (challenge === null) throw errors.invalidSignature("WhatsApp");
    return c.text(challenge);
  })
  .post("/v1/providers/whatsapp/webhook", async (c) => {
    const { receipts, inbound } = await verified(c, providerWebhooks(c.env).whatsapp);
    for (const receipt of receipts) await applyReceipt(c.env, receipt);
    for (const report of inbound) await receiveFromProvider(c.env, c.var.control, report);
    return c.body(null, 200);
  })
  .post("/v1/providers/resend/webhook", async (c) => {
    const { receipts } = await verified(c, providerWebhooks(c.env).resend);
    for (const receipt of receipts) await applyReceipt(c.env, receipt);
    return c.body(null, 200);
  });
