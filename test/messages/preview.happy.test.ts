// POST /v1/messages/preview takes a create's body and answers what the create
// would send (the rendered content, the sender the pool picks, an SMS's
// encoding and segments) while storing, queueing and counting nothing; the
// create of the same body then does exactly that.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements, storedMessage } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { addSender, bindSender, createTemplate } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

afterEach(() => vi.restoreAllMocks());

async function preview(account: TestAccount, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api("/v1/messages/preview", { key: account.key, json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

describe("POST /v1/messages/preview", () => {
  it("answers the rendered SMS, the sender the pool picks, its encoding and segments; the create then sends exactly that", async () => {
    const account = await createAccount();
    // A pool of several, so the pick is the pool's choice for this recipient and not the only sender.
    const pool = ["+15005550006", "+14155550101", "+14155550102", "+14155550103"]; // the sandbox sender and three more
    for (const address of pool.slice(1)) await addSender(account, { channel: "sms", address });
    await createTemplate(account, { id: "reminder", sms: { text: "Hi {{name}}, your table is booked for {{time}} 🍽" } });
    const body = smsBody({ to: "+14155550199", content: { template_id: "reminder", variables: { name: "Ana", time: "19:30" } } });

    const previewed = await preview(account, body);
    expect(previewed).toEqual({
      object: "message_preview",
      channel: "sms",
      to: "+14155550199",
      from: expect.toBeOneOf(pool),
      content: { text: "Hi Ana, your table is booked for 19:30 🍽" },
      // The emoji is outside GSM-7: 41 UTF-16 units (the emoji is a surrogate pair), one UCS-2 segment.
      encoding: "ucs2",
      segments: 1,
      price: null,
      price_unit: null,
      price_status: null,
    });

    const created = await createMessage(account, body);
    expect(created).toMatchObject({ from: previewed.from, encoding: previewed.encoding, segments: previewed.segments });
    expect((await storedMessage(created.id)).rendered).toEqual({ channel: "sms", ...(previewed.content as object) });
  });

  it("stores, queues and counts nothing: no D1 write, no Queue send, the account's state unchanged", async () => {
    const account = await createAccount();
    await api("/v1/account", { key: account.key }); // the gate loaded, the key's last use recorded
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send");
    const d1 = countD1Statements([account.id]);
    await expectNothingStored(account, () => preview(account, smsBody({ content: { text: "a".repeat(161) } })));
    expect(d1.writes).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });

  it("answers the same preview to a JSON and to a form body", async () => {
    const account = await createAccount();
    await seedExample(account);
    const json = await preview(account, { channel: "SMS", to: "+14155550123", content: { template_id: "auth_otp", variables: { code: 849201 } } });
    const res = await api("/v1/messages/preview", {
      key: account.key,
      form: new URLSearchParams({ channel: "SMS", to: "+14155550123", "content[template_id]": "auth_otp", "content[variables][code]": "849201" }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(json);
  });

  it.each([
    [
      "a WhatsApp template",
      { channel: "WHATSAPP", to: "+919876543210", from: "omni_verify", content: { template_id: "auth_otp", variables: { code: "849201" } } },
      { from: "omni_verify", content: { name: "auth_otp", language: "en_US", parameters: ["849201"] } },
    ],
    ["a WhatsApp text", { channel: "WHATSAPP", to: "+919876543210", content: { text: "Hello 👋" } }, { from: "+15005550006", content: { text: "Hello 👋" } }],
    [
      "an email from a template, its variable HTML-escaped in the html",
      { channel: "EMAIL", to: "ana@example.com", content: { template_id: "auth_otp", variables: { code: "<b>1</b>" } } },
      {
        from: "OmniFlow Sandbox <sandbox@omniflow.dev>",
        content: {
          subject: "Your verification code: <b>1</b>",
          text: "Your verification code is <b>1</b>.",
          html: "<p>Your verification code is <strong>&lt;b&gt;1&lt;/b&gt;</strong>.</p>",
        },
      },
    ],
  ])("renders %s, with encoding and segments null", async (_case, body, expected) => {
    const account = await createAccount();
    await seedExample(account);
    const previewed = await preview(account, body);
    expect(previewed).toMatchObject({ ...expected, encoding: null, segments: null });
    const created = await createMessage(account, body);
    expect(created.from).toBe(previewed.from);
  });

  it("leaves a live account's daily cap to the messages it creates", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    await bindSender(account, "sms");
    for (let i = 0; i < 3; i++) await preview(account, smsBody());
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(429);
  });

  it("counts against the key's request rate like any request", async () => {
    // 1 request/s, bursts of 2.
    const account = await createAccount("test", { rateLimitRps: 1 });
    const first = await api("/v1/messages/preview", { key: account.key, json: smsBody() });
    expect(first.headers.get("RateLimit-Remaining")).toBe("1");
    expect((await api("/v1/messages/preview", { key: account.key, json: smsBody() })).status).toBe(200);
    const limited = await api("/v1/messages/preview", { key: account.key, json: smsBody() });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { type: "rate_limit_error", code: "rate_limit_exceeded" } });
  });
});
