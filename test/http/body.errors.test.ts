// Request bodies the API refuses before any handler reads them, on every POST,
// with and without an Idempotency-Key: each a 4xx in the error envelope, with
// nothing stored for the account or any other.
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createTemplate } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

// Every POST that takes a body under an API key.
const POSTS = ["/v1/messages", "/v1/templates", "/v1/templates/body_otp", "/v1/senders", "/v1/account/webhook_secret/roll"];
const KEYED = [
  ["without", {}],
  ["with", { "Idempotency-Key": "body-check" }],
] as const;
const CASES = POSTS.flatMap((path) => KEYED.map(([withOrWithout, headers]) => [path, withOrWithout, headers] as const));

let account: TestAccount;
let other: TestAccount;
beforeAll(async () => {
  account = await createAccount("test", { rateLimitRps: 10_000 });
  other = await createAccount();
  await createTemplate(account, { id: "body_otp", sms: { text: "Your code is {{code}}" } });
});

function post(path: string, body: string, headers: Record<string, string>, contentType = "application/json") {
  return api(path, { key: account.key, body, headers: { "Content-Type": contentType, ...headers } });
}

describe("JSON nesting", () => {
  // The documented cap is 32 levels (src/domain/body-text.ts); 5,000 used to
  // overflow the Idempotency-Key fingerprint's recursion (a 500).
  const nested = (levels: number) => `{"channel":"SMS","to":"+14155550123","content":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
  const nestedObjects = (levels: number) => `{"channel":"SMS","to":"+14155550123","content":${'{"a":'.repeat(levels - 1)}1${"}".repeat(levels - 1)}}`;

  it.each(CASES)("POST %s %s an Idempotency-Key: 5,000 levels is a 400 invalid_json", async (path, _, headers) => {
    const res = await expectNothingStored([account, other], () => post(path, nested(5000), headers));
    const error = await expectError(res, 400, { code: "invalid_json" });
    expect(error.message).toContain("32");
  });

  it.each(CASES)("POST %s %s an Idempotency-Key: 33 levels of objects is a 400 invalid_json", async (path, _, headers) => {
    const res = await expectNothingStored([account, other], () => post(path, nestedObjects(33), headers));
    await expectError(res, 400, { code: "invalid_json" });
  });

  it("counts the body's own object as a level: 32 levels parse, and the schema answers", async () => {
    const res = await expectNothingStored(account, () => post("/v1/messages", nested(32), {}));
    await expectError(res, 400, { code: "parameter_invalid", param: "content" });
  });

  it("does not count brackets inside strings", async () => {
    const text = "[{".repeat(100);
    const res = await post("/v1/messages", JSON.stringify({ channel: "SMS", to: "+14155550123", content: { text } }), {});
    expect(res.status).toBe(201);
  });
});

describe("text that is not UTF-8", () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...new TextEncoder().encode(part)] : part)));
  const E9 = [0xe9]; // "é" in Latin-1: not a UTF-8 sequence
  const SMS = '{"channel":"SMS","to":"+14155550123","content":{"text":"caf';

  // Each POST's text field, as JSON bytes with a Latin-1 "é" inside it.
  const JSON_FIELDS: [string, string, Uint8Array][] = [
    ["/v1/messages", "content[text]", bytes(SMS, E9, '"}}')],
    ["/v1/templates", "sms[text]", bytes('{"id":"cafe","sms":{"text":"caf', E9, '"}}')],
    ["/v1/templates/body_otp", "sms[text]", bytes('{"sms":{"text":"caf', E9, '"}}')],
    ["/v1/senders", "name", bytes('{"channel":"EMAIL","address":"cafe@acme.example","name":"Caf', E9, '"}')],
  ];

  it.each(JSON_FIELDS)("POST %s: invalid UTF-8 in a JSON string is a 400 naming %s", async (path, param, body) => {
    const res = await expectNothingStored([account, other], () => post(path, body as unknown as string, {}));
    await expectError(res, 400, { code: "parameter_invalid", param });
  });

  it.each(JSON_FIELDS)("POST %s: the body with invalid %s declared charset=iso-8859-1 is a 415", async (path, _, body) => {
    const res = await expectNothingStored(account, () => post(path, body as unknown as string, {}, "application/json; charset=iso-8859-1"));
    await expectError(res, 415, { code: "unsupported_media_type" });
  });

  it("names a key that is not UTF-8", async () => {
    const res = await post("/v1/messages", bytes('{"channel":"SMS","to":"+14155550123","content":{"te', E9, 'xt":"hi"}}') as unknown as string, {});
    await expectError(res, 400, { code: "parameter_invalid", param: "content[te\ufffdxt]" });
  });

  it("refuses the whole body when invalid bytes sit beside a U+FFFD the client sent, so the field cannot be told", async () => {
    const body = bytes('{"channel":"SMS","to":"+14155550123","content":{"text":"\ufffd caf', E9, '"}}');
    const res = await expectNothingStored(account, () => post("/v1/messages", body as unknown as string, {}));
    await expectError(res, 400, { code: "invalid_encoding" });
  });

  it("refuses a lone surrogate escape in a JSON string, naming the field, with and without an Idempotency-Key", async () => {
    for (const headers of [{}, { "Idempotency-Key": "lone-surrogate" }] as Record<string, string>[]) {
      const body = '{"channel":"SMS","to":"+14155550123","content":{"text":"lone \\ud83d"}}';
      const res = await expectNothingStored(account, () => post("/v1/messages", body, headers));
      await expectError(res, 400, { code: "parameter_invalid", param: "content[text]" });
    }
  });

  it.each([
    ["an undecodable percent-escape", "content[text]=caf%E9"],
    ["an encoded lone surrogate", "content[text]=lone%ED%A0%BD"],
    ["raw Latin-1 bytes", null],
  ])("refuses %s in a form value, naming the field", async (_, text) => {
    const prefix = "channel=SMS&to=%2B14155550123&";
    const body = text === null ? bytes(`${prefix}content[text]=caf`, E9) : bytes(prefix + text);
    const res = await expectNothingStored(account, () => post("/v1/messages", body as unknown as string, {}, "application/x-www-form-urlencoded"));
    await expectError(res, 400, { code: "parameter_invalid", param: "content[text]" });
  });

  it("refuses a form body declared charset=iso-8859-1 with a 415", async () => {
    const res = await post("/v1/messages", "channel=SMS&to=%2B14155550123&content[text]=caf%E9", {}, "application/x-www-form-urlencoded; charset=ISO-8859-1");
    await expectError(res, 415, { code: "unsupported_media_type" });
  });

  it.each([
    ["JSON", "application/json; charset=UTF-8", JSON.stringify({ channel: "SMS", to: "+14155550123", content: { text: "café 👋 \ufffd" } })],
    ["a form", 'application/x-www-form-urlencoded; charset="utf-8"', "channel=SMS&to=%2B14155550123&content[text]=caf%C3%A9%20%F0%9F%91%8B%20%EF%BF%BD"],
  ])("keeps well-formed text in %s as sent (a U+FFFD the client meant included)", async (_, contentType, body) => {
    const res = await post("/v1/messages", body, {}, contentType);
    expect(res.status).toBe(201);
    expect((await res.json<{ content: { text: string } }>()).content.text).toBe("café 👋 \ufffd");
  });
});
