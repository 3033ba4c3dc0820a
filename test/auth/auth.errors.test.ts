// Every way an API key can fail: 401, the authentication_error envelope, a
// WWW-Authenticate challenge, and nothing stored.
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../../src/auth/api-key.ts";
import { newId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

const basic = (credentials: string) => `Basic ${btoa(credentials)}`;

// Each case builds the Authorization header from the account's real, working
// key, so a 401 is due to the form of the header and not to a bad key.
const cases: [name: string, header: (key: string) => string | null, code: string][] = [
  ["no Authorization header", () => null, "missing_api_key"],
  ["Basic with nothing after it", () => "Basic", "malformed_authorization"],
  ["Bearer with nothing after it", () => "Bearer", "malformed_authorization"],
  ["Basic with credentials that are not base64", (key) => `Basic ${key}!`, "malformed_authorization"],
  ["Basic with an empty username (key given as the password, -u :key)", (key) => basic(`:${key}`), "malformed_authorization"],
  ["Basic with an empty username and password", () => basic(":"), "malformed_authorization"],
  ["the key without a scheme", (key) => key, "malformed_authorization"],
  ["an unknown scheme (Token)", (key) => `Token ${key}`, "malformed_authorization"],
  ["the Digest scheme", (key) => `Digest ${key}`, "malformed_authorization"],
  ["Bearer with the key followed by more text", (key) => `Bearer ${key} ${key}`, "malformed_authorization"],
  ["Basic with the credentials followed by more text", (key) => `${basic(`${key}:`)} extra`, "malformed_authorization"],
  ["a key in upper case", (key) => `Bearer ${key.toUpperCase()}`, "invalid_api_key"],
  ["a key one character short", (key) => `Bearer ${key.slice(0, -1)}`, "invalid_api_key"],
  ["a key one character long", (key) => `Bearer ${key}0`, "invalid_api_key"],
  ["a key of another version", (key) => `Bearer ${key.replace(/_v\d_/, "_v1_")}`, "invalid_api_key"],
  ["a publishable-looking key", (key) => `Bearer ${key.replace("sk_", "pk_")}`, "invalid_api_key"],
  ["a well-shaped key that was never issued", () => `Bearer ${generateApiKey("test", newId("acct"))}`, "invalid_api_key"],
  ["a key with a real key's visible prefix but another secret", (key) => `Bearer ${key.slice(0, -8)}00000000`, "invalid_api_key"],
];

describe("authentication failures", () => {
  it.each(cases)("answers 401 for %s and stores nothing", async (_name, header, code) => {
    const account = await createAccount();
    const authorization = header(account.key);
    const res = await api("/v1/messages", {
      key: null,
      headers: authorization === null ? {} : { Authorization: authorization },
      json: smsBody(),
    });
    await expectError(res, 401, { type: "authentication_error", code });
    expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="OmniFlow"');
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each([
    ["list", "/v1/messages"],
    ["retrieve", "/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f"],
  ])("guards %s as well", async (_name, path) => {
    const res = await api(path, { key: null });
    await expectError(res, 401, { type: "authentication_error", code: "missing_api_key" });
    expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="OmniFlow"');
  });

  it("tells the caller how to pass a key", async () => {
    const error = await expectError(await api("/v1/messages", { key: null }), 401, { type: "authentication_error" });
    expect(error.message).toContain("-u sk_test_v3_...:");
    expect(error.message).toContain("Authorization: Bearer");
  });
});
