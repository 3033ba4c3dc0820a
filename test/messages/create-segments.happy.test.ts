// An SMS's encoding and segment count on the message object: computed from
// the text as rendered at create, so in the 201 and on every read; null on
// the other channels. Counts follow GSM 03.38 (160 septets alone, 153 per
// part) and UCS-2 (70 code units alone, 67 per part); the rule itself is
// checked against independent calculators in test/domain/segments.happy.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { storedMessage } from "../support/db.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { createMessage, listMessages, smsBody } from "../support/messages.ts";
import { createTemplate } from "../support/resources.ts";
import { eventually } from "../support/wait.ts";
import { signingSecret, verify } from "../webhooks/webhooks.fixture.ts";

/** The message as created, as retrieved and as listed: the same encoding and segments each time. */
async function sizeEverywhere(account: TestAccount, body: Record<string, unknown>) {
  const created = await createMessage(account, body);
  const retrieved = await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<Record<string, unknown>>();
  const listed = (await listMessages(account.key, { limit: 1 })).data[0] as unknown as Record<string, unknown>;
  const size = { encoding: created.encoding, segments: created.segments };
  expect({ encoding: retrieved.encoding, segments: retrieved.segments }).toEqual(size);
  expect({ encoding: listed.encoding, segments: listed.segments }).toEqual(size);
  expect(listed.id).toBe(created.id);
  return { id: created.id, ...size };
}

describe("POST /v1/messages: encoding and segments", () => {
  it.each([
    ["a short GSM-7 text", "Your code is 849201", { encoding: "gsm7", segments: 1 }],
    ["160 GSM-7 characters", "a".repeat(160), { encoding: "gsm7", segments: 1 }],
    ["161 GSM-7 characters", "a".repeat(161), { encoding: "gsm7", segments: 2 }],
    ["70 UCS-2 characters", "Ж".repeat(70), { encoding: "ucs2", segments: 1 }],
    ["71 UCS-2 characters", "Ж".repeat(71), { encoding: "ucs2", segments: 2 }],
    ["one emoji in an otherwise GSM-7 text", `Your code is 849201 ${"😀"}`, { encoding: "ucs2", segments: 1 }],
  ])("gives an SMS of %s its encoding and segments, in the 201 and on every read", async (_case, text, expected) => {
    const account = await createAccount();
    const size = await sizeEverywhere(account, smsBody({ content: { text } }));
    expect(size).toMatchObject(expected);
    expect(await storedMessage(size.id)).toMatchObject(expected);
  });

  it("counts the text as rendered from a template, not the template's own text", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "notice", sms: { text: "Hi {{name}}" } });
    const size = await sizeEverywhere(account, smsBody({ content: { template_id: "notice", variables: { name: "é".repeat(200) } } }));
    // "Hi " and 200 × é: 203 GSM-7 septets (é is in GSM 03.38), two parts.
    expect(size).toMatchObject({ encoding: "gsm7", segments: 2 });
  });

  it.each([
    ["WhatsApp text", { channel: "WHATSAPP", to: "+919876543210", content: { text: "Ж".repeat(200) } }],
    ["WhatsApp template", { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "auth_otp", variables: { code: "849201" } } }],
    ["email", { channel: "EMAIL", to: "ana@example.com", content: { subject: "Hi", text: "a".repeat(500) } }],
  ])("leaves encoding and segments null on %s", async (_case, body) => {
    const account = await createAccount();
    await seedExample(account);
    expect(await sizeEverywhere(account, body)).toMatchObject({ encoding: null, segments: null });
  });
});

describe("status callbacks", () => {
  afterEach(() => vi.restoreAllMocks());

  it("carry the SMS's encoding and segments in the message they send", async () => {
    fakeProviders();
    const receiver = fakeReceiver();
    try {
      const { account, id } = await handedOff("sms", {
        statusCallback: receiver.url,
        rendered: { channel: "sms", text: "Ж".repeat(71) },
        encoding: "ucs2",
        segments: 2,
      });
      await eventually(() => receiver.requests.length >= 1);
      const event = verify(await signingSecret(account), receiver.requests[0]!);
      expect(event.data).toMatchObject({ id, status: "sent", encoding: "ucs2", segments: 2 });
    } finally {
      receiver.restore();
    }
  });
});

describe("POST /v1/messages: max_segments", () => {
  it("accepts a text of exactly max_segments segments, from JSON and from a form alike", async () => {
    const account = await createAccount();
    const json = await createMessage(account, smsBody({ content: { text: "a".repeat(306) }, max_segments: 2 }));
    expect(json).toMatchObject({ encoding: "gsm7", segments: 2 });
    const form = await api("/v1/messages", {
      key: account.key,
      form: new URLSearchParams({ channel: "SMS", to: "+14155550123", "content[text]": "a".repeat(306), max_segments: "2" }).toString(),
    });
    expect(form.status).toBe(201);
    expect(await form.json()).toMatchObject({ encoding: "gsm7", segments: 2 });
  });

  it("is not echoed on the message object", async () => {
    const account = await createAccount();
    const message = await createMessage(account, smsBody({ max_segments: 1 }));
    expect(message).not.toHaveProperty("max_segments");
  });

  it("has nothing to limit on channels without segments", async () => {
    const account = await createAccount();
    const message = await createMessage(account, {
      channel: "EMAIL",
      to: "ana@example.com",
      content: { subject: "Hi", text: "a".repeat(500) },
      max_segments: 1,
    });
    expect(message).toMatchObject({ channel: "email", segments: null });
  });
});
