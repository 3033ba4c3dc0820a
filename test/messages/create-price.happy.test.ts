// A message's price: estimated from the rate card at create (the 201 says so),
// the same in a preview, final once the message is handed off; per SMS
// segment and country, with the account's override before the default card.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { flushProjection, storedMessage } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { setAccountRate, sumPrices } from "../support/rates.ts";
import { createTemplate } from "../support/resources.ts";
import { afterSeconds } from "../webhooks/webhooks.fixture.ts";
import { base64, pngBytes } from "./attachments.fixture.ts";

const ENDED = ["delivered", "read", "undelivered", "failed", "expired", "canceled"];

/**
 * Drives the message by hand to the end of its life (the README's way, not
 * waiting for the shared Queue): the consumer's hand-off, then its object's
 * alarm a minute later each time (the sandbox's reports, the next step's start).
 */
async function toTheEnd(id: string) {
  await runConsumer([id]);
  const stub = env.MESSAGE_STATUS.get(env.MESSAGE_STATUS.idFromName(id));
  for (let minutes = 1; minutes <= 10; minutes++) {
    await flushProjection(id);
    if (ENDED.includes((await storedMessage(id))!.status)) return;
    await afterSeconds(stub, minutes * 60);
  }
}

/** The message as GET /v1/messages/:id shows it, once its object's view is on its row. */
async function shown(account: { key: string }, id: string) {
  await flushProjection(id);
  return (await api(`/v1/messages/${id}`, { key: account.key })).json();
}

// 161 GSM-7 characters: two segments.
const twoSegments = smsBody({ content: { text: "a".repeat(161) } });

describe("POST /v1/messages: price", () => {
  it("prices a 2-segment US SMS at 0.0158 USD estimated in its 201, and final once delivered", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const created = await createMessage(account, twoSegments);
    expect(created).toMatchObject({ segments: 2, price: "0.0158", price_unit: "USD", price_status: "estimated" });
    await runConsumer([created.id]);
    const handedOff = await shown(account, created.id);
    expect(handedOff).toMatchObject({ status: "sent", price: "0.0158", price_unit: "USD", price_status: "final" });
    await toTheEnd(created.id);
    const delivered = await shown(account, created.id);
    expect(delivered).toMatchObject({ status: "delivered", price: "0.0158", price_unit: "USD", price_status: "final" });
  });

  it("answers the same estimate in a preview, which stores nothing", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const res = await api("/v1/messages/preview", { key: account.key, json: twoSegments });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ segments: 2, price: "0.0158", price_unit: "USD", price_status: "estimated" });
  });

  it("prices by the country's own rate, else the card's rate for any country", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await setAccountRate(account, "sms", "*", "0.0450");
    const us = await createMessage(account, smsBody({ to: "+14155550123" }));
    const gb = await createMessage(account, smsBody({ to: "+447400123456" }));
    expect([us.price, gb.price]).toEqual(["0.0079", "0.0450"]);
  });

  it("prices WhatsApp per message by category and email per message, whatever their length", async () => {
    const account = await createAccount();
    await seedExample(account);
    await setAccountRate(account, "whatsapp", "IN", "0.0014", "USD", "service");
    await setAccountRate(account, "whatsapp", "IN", "0.0107", "USD", "marketing");
    await setAccountRate(account, "email", "*", "0.0009");
    const text = await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { text: "Ж".repeat(300) } });
    const template = await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "auth_otp", variables: { code: "1" } } });
    const email = await createMessage(account, { channel: "EMAIL", to: "ana@example.com", content: { subject: "Hi", text: "a".repeat(5000) } });
    expect([text.price, template.price, email.price]).toEqual(["0.0014", "0.0107", "0.0009"]);
  });

  it("prices an SMS with content.media as one MMS by the card's MMS rate, whatever its text's length, estimated and final", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await setAccountRate(account, "mms", "US", "0.0200");
    const media = [{ content_type: "image/png", content: base64(pngBytes()) }];
    const created = await createMessage(account, { channel: "SMS", to: "+14155550123", content: { text: "a".repeat(161), media } });
    expect(created).toMatchObject({ price: "0.0200", price_unit: "USD", price_status: "estimated" });
    await runConsumer([created.id]);
    expect(await shown(account, created.id)).toMatchObject({ status: "sent", price: "0.0200", price_status: "final" });
    const [total] = await (await api("/v1/usage", { key: account.key })).json<{ data: unknown[] }>().then((body) => body.data);
    expect(total).toMatchObject({ count: 1, price: "0.0200" });
  });

  it("leaves a message the card has no rate for unpriced", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const gb = await createMessage(account, smsBody({ to: "+447400123456" }));
    expect(gb).toMatchObject({ price: null, price_unit: null, price_status: null });
  });

  it("shows the price on a read and in the list", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const created = await createMessage(account, twoSegments);
    const retrieved = await shown(account, created.id);
    const listed = await (await api("/v1/messages", { key: account.key })).json<{ data: unknown[] }>();
    expect(retrieved).toMatchObject({ price: "0.0158", price_status: expect.stringMatching(/^(estimated|final)$/) });
    expect(listed.data[0]).toMatchObject({ id: created.id, price: "0.0158" });
  });

  it("prices a fallback message as the sum of its attempts handed off, each priced as its step", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "*", "0.0079");
    await setAccountRate(account, "email", "*", "0.0009");
    // The sandbox hands the SMS off and its carrier reports it undelivered; the email step is delivered.
    const created = await createMessage(account, {
      channel: "SMS",
      to: "+15005550002",
      content: { text: "a".repeat(161) },
      fallback: [{ channel: "EMAIL", to: "ana@example.com", content: { subject: "Your code", text: "849201" } }],
    });
    expect(created).toMatchObject({ price: "0.0158", price_status: "estimated" });
    await toTheEnd(created.id);
    const ended = await shown(account, created.id);
    expect(ended).toMatchObject({ delivered_channel: "email", price: "0.0167", price_unit: "USD", price_status: "final" });
    const [total] = await (await api("/v1/usage", { key: account.key })).json<{ data: unknown[] }>().then((body) => body.data);
    expect(total).toMatchObject({ count: 1, price: "0.0167" });
  });

  it("adds a fallback step's cost to the day's spend when the step is handed off", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "*", "0.0079");
    await setAccountRate(account, "email", "*", "0.0009");
    // 0.0158 for the SMS at create, 0.0009 for the email step at its hand-off: 0.0167 spent, the whole limit.
    expect((await api("/v1/account", { key: account.key, json: { spend_limits: { daily: "0.0167" } } })).status).toBe(200);
    const created = await createMessage(account, {
      channel: "SMS",
      to: "+15005550002",
      content: { text: "a".repeat(161) },
      fallback: [{ channel: "EMAIL", to: "ana@example.com", content: { subject: "Your code", text: "849201" } }],
    });
    await toTheEnd(created.id);
    expect(await shown(account, created.id)).toMatchObject({ delivered_channel: "email", price: "0.0167" });
    const email = await api("/v1/messages", { key: account.key, json: { channel: "EMAIL", to: "ana@example.com", content: { subject: "Hi", text: "x" } } });
    await expectError(email, 402, { code: "spend_limit_reached" });
  });

  it("charges nothing for a step its provider refused at hand-off", async () => {
    const account = await createAccount();
    await seedExample(account);
    await setAccountRate(account, "whatsapp", "*", "0.0250", "USD", "service");
    await setAccountRate(account, "sms", "*", "0.0079");
    // +15005550004 is not on WhatsApp: the sandbox refuses the hand-off, and the SMS step is delivered.
    const created = await createMessage(account, { channel: "WHATSAPP", to: "+15005550004", content: { text: "hi" }, fallback: [{ channel: "SMS" }] });
    expect(created).toMatchObject({ price: "0.0250", price_status: "estimated" });
    await toTheEnd(created.id);
    expect(await shown(account, created.id)).toMatchObject({ delivered_channel: "sms", price: "0.0079", price_status: "final" });
  });
});

describe("POST /v1/messages: a WhatsApp template priced by the category Meta approved it under", () => {
  const IN = "+919876543210";
  const rates = { authentication: "0.0014", utility: "0.0021", marketing: "0.0107" };

  async function pricedAccount() {
    const account = await createAccount();
    for (const [category, price] of Object.entries(rates)) await setAccountRate(account, "whatsapp", "IN", price, "USD", category);
    await setAccountRate(account, "sms", "*", "0.0079");
    // The card is set before the first request: the account's gate holds it from then on.
    await createTemplate(account, { id: "otp", whatsapp: { name: "otp", language: "en", body_params: ["code"], category: "authentication" } });
    await createTemplate(account, { id: "promo", whatsapp: { name: "promo", language: "en" } });
    return account;
  }

  const byTemplate = (templateId: string, variables: Record<string, string> = {}, to = IN) => ({
    channel: "WHATSAPP",
    to,
    content: { template_id: templateId, variables },
  });

  it("prices a message by an authentication template at the authentication rate, and one by a template with no category at the marketing rate", async () => {
    const account = await pricedAccount();
    const otp = await createMessage(account, byTemplate("otp", { code: "849201" }));
    const promo = await createMessage(account, byTemplate("promo"));
    expect(otp).toMatchObject({ price: rates.authentication, price_unit: "USD", price_status: "estimated" });
    expect(promo).toMatchObject({ price: rates.marketing, price_unit: "USD", price_status: "estimated" });
    const preview = await api("/v1/messages/preview", { key: account.key, json: byTemplate("otp", { code: "849201" }) });
    expect(await preview.json()).toMatchObject({ price: rates.authentication, price_status: "estimated" });
  });

  it("prices a template of a category the card has no rate for as marketing", async () => {
    const account = await createAccount();
    await setAccountRate(account, "whatsapp", "IN", rates.marketing, "USD", "marketing");
    await createTemplate(account, { id: "otp", whatsapp: { name: "otp", language: "en", body_params: ["code"], category: "authentication" } });
    expect(await createMessage(account, byTemplate("otp", { code: "849201" }))).toMatchObject({ price: rates.marketing, price_status: "estimated" });
  });

  it("prices each item of a batch by its own template's category", async () => {
    const account = await pricedAccount();
    const res = await api("/v1/messages/batch", {
      key: account.key,
      json: { messages: [byTemplate("otp", { code: "1" }), byTemplate("promo"), byTemplate("otp", { code: "2" })] },
    });
    expect(res.status).toBe(201);
    const { data } = await res.json<{ data: { price: string }[] }>();
    expect(data.map((m) => m.price)).toEqual([rates.authentication, rates.marketing, rates.authentication]);
  });

  it("prices a fallback step that sends a WhatsApp template by the template's category", async () => {
    const account = await pricedAccount();
    await createTemplate(account, {
      id: "receipt",
      sms: { text: "Paid {{amount}}" },
      whatsapp: { name: "receipt", language: "en", body_params: ["amount"], category: "UTILITY" },
    });
    // The sandbox's carrier reports the SMS undelivered; the WhatsApp step is delivered.
    const created = await createMessage(account, {
      channel: "SMS",
      to: "+15005550002",
      content: { template_id: "receipt", variables: { amount: "12.00" } },
      fallback: [{ channel: "WHATSAPP", to: IN }],
    });
    expect(created).toMatchObject({ price: "0.0079", price_status: "estimated" });
    await toTheEnd(created.id);
    expect(await shown(account, created.id)).toMatchObject({
      delivered_channel: "whatsapp",
      price: sumPrices(["0.0079", rates.utility]),
      price_status: "final",
    });
  });

  it("counts the category's price against the spend limit", async () => {
    const account = await pricedAccount();
    // Two authentication messages fit a limit of twice their rate; priced as marketing, the first would not.
    const limit = sumPrices([rates.authentication, rates.authentication]);
    expect((await api("/v1/account", { key: account.key, json: { spend_limits: { daily: limit } } })).status).toBe(200);
    await createMessage(account, byTemplate("otp", { code: "1" }));
    await createMessage(account, byTemplate("otp", { code: "2" }));
    await expectError(await api("/v1/messages", { key: account.key, json: byTemplate("otp", { code: "3" }) }), 402, { code: "spend_limit_reached" });
  });

  it("keeps the price a message was created with when its template's category changes later", async () => {
    const account = await pricedAccount();
    const created = await createMessage(account, byTemplate("otp", { code: "849201" }));
    const edit = await api("/v1/templates/otp", {
      key: account.key,
      json: { whatsapp: { name: "otp", language: "en", body_params: ["code"], category: "marketing" } },
    });
    expect(edit.status).toBe(200);
    expect(await shown(account, created.id)).toMatchObject({ price: rates.authentication });
    expect(await createMessage(account, byTemplate("otp", { code: "1" }))).toMatchObject({ price: rates.marketing });
  });
});
