// max_segments refuses an SMS text that takes more segments with a 400 before
// anything is stored, queued or counted; and a max_segments that is not a
// whole number from 1 to 10 is a 400 naming it.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { createTemplate } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

afterEach(() => vi.restoreAllMocks());

describe("POST /v1/messages: a text longer than max_segments", () => {
  it.each([
    ["161 GSM-7 characters under max_segments 1", "a".repeat(161), 1, "2 segments (GSM-7)"],
    ["307 GSM-7 characters under max_segments 2", "a".repeat(307), 2, "3 segments (GSM-7)"],
    ["71 UCS-2 characters under max_segments 1", "Ж".repeat(71), 1, "2 segments (UCS-2)"],
    ["an emoji that cannot share the first part under max_segments 2", `${"Ж".repeat(66)}😀${"Ж".repeat(66)}`, 2, "3 segments (UCS-2)"],
  ])("refuses %s with a 400 naming content, and stores and queues nothing", async (_case, text, max, said) => {
    const account = await createAccount();
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send");
    const error = await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages", { key: account.key, json: smsBody({ content: { text }, max_segments: max }) }), 400, {
        code: "max_segments_exceeded",
        param: "content",
      }),
    );
    expect(error.message).toContain(said);
    expect(error.message).toContain(`max_segments (${max})`);
    expect(send).not.toHaveBeenCalled();
  });

  it("counts a template's text as rendered with the variables", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "notice", sms: { text: "Hi {{name}}" } });
    const body = smsBody({ content: { template_id: "notice", variables: { name: "Ж" } }, max_segments: 1 });
    expect((await api("/v1/messages", { key: account.key, json: body })).status).toBe(201);
    const long = smsBody({ content: { template_id: "notice", variables: { name: "Ж".repeat(70) } }, max_segments: 1 });
    await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages", { key: account.key, json: long }), 400, { code: "max_segments_exceeded", param: "content" }),
    );
  });

  it("is refused the same from a form body", async () => {
    const account = await createAccount();
    const form = new URLSearchParams({ channel: "SMS", to: "+14155550123", "content[text]": "a".repeat(161), max_segments: "1" }).toString();
    await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages", { key: account.key, form }), 400, { code: "max_segments_exceeded", param: "content" }),
    );
  });
});

describe("POST /v1/messages: max_segments itself", () => {
  it.each([
    ["zero", 0],
    ["above 10", 11],
    ["negative", -1],
    ["a fraction", 1.5],
    ["a numeric string out of range", "11"],
    ["a word", "two"],
    ["an exponent", "1e1"],
    ["empty", ""],
    ["a boolean", true],
    ["null", null],
    ["an array", [2]],
    ["an object", { n: 2 }],
  ])("is a 400 naming max_segments when %s, storing nothing", async (_case, value) => {
    const account = await createAccount();
    await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages", { key: account.key, json: smsBody({ max_segments: value }) }), 400, {
        code: "parameter_invalid",
        param: "max_segments",
      }),
    );
  });

  it("is a 400 naming max_segments from a form body too", async () => {
    const account = await createAccount();
    const form = new URLSearchParams({ channel: "SMS", to: "+14155550123", "content[text]": "hi", max_segments: "0" }).toString();
    await expectError(await api("/v1/messages", { key: account.key, form }), 400, { param: "max_segments" });
  });
});

describe("POST /v1/messages: max_segments and an SMS fallback step", () => {
  it("refuses an SMS step whose text takes more segments, naming the step's content, and stores nothing", async () => {
    const account = await createAccount();
    const body = {
      channel: "WHATSAPP",
      to: "+14155550123",
      content: { text: "a".repeat(300) },
      max_segments: 1,
      fallback: [{ channel: "SMS", content: { text: "a".repeat(161) } }],
    };
    await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "max_segments_exceeded", param: "fallback[0][content]" }),
    );
    // The WhatsApp text itself has no segments, and a step within the limit passes.
    const within = { ...body, fallback: [{ channel: "SMS", content: { text: "a".repeat(160) } }] };
    expect((await api("/v1/messages", { key: account.key, json: within })).status).toBe(201);
  });
});
