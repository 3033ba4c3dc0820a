// Request bodies the API refuses before any handler reads them, on every POST,
// with and without an Idempotency-Key: each a 4xx in the error envelope, with
// nothing stored for the account or any other.
import { beforeAll, describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createTemplate } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

// Every POST that takes a body under an API key.
const POSTS = ["/v1/messages", "/v1/templates", "/v1/templates/body_otp", "/v1/senders"];
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
