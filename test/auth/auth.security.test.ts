// Keys stop working the moment they are revoked, work only in their account's
// mode, come before everything else a request could learn, and are never echoed.

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { generateApiKey, hashApiKey } from "../../src/auth/api-key.ts";
import { apiKeys } from "../../src/db/control-schema.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";
import { addKey, createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api, basicAuth, expectError } from "../support/api.ts";
import { db, failMessageQueries, messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

afterEach(() => vi.restoreAllMocks());

/** Revokes the account's key as the key API does: in D1, then through the account's gate. */
async function revoke(account: TestAccount) {
  await db().update(apiKeys).set({ revokedAt: unixSeconds() }).where(eq(apiKeys.prefix, account.keyPrefix));
  await env.ACCOUNT_GATE.getByName(account.id).changed({ keys: true });
}

/** Everything a client sees of a response, to look for a key in it. */
async function visible(res: Response): Promise<string> {
  return `${[...res.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n${await res.text()}`;
}

describe("key lifecycle", () => {
  it("stops accepting a revoked key on the very next request, while the account's other keys keep working", async () => {
    const account = await createAccount();
    const other = await addKey(account.id, "test");
    expect((await api("/v1/messages", { key: account.key })).status).toBe(200);

    await revoke(account);

    for (const auth of ["basic", "bearer"] as const) {
      const res = await api("/v1/messages", { key: account.key, auth, json: smsBody() });
      await expectError(res, 401, { type: "authentication_error", code: "invalid_api_key" });
      expect(res.headers.get("WWW-Authenticate")).toBe('Basic realm="OmniFlow"');
    }
    expect(await messageCount(account.id)).toBe(0);
    expect((await api("/v1/messages", { key: other.key })).status).toBe(200);
  });

  it("refuses a live-format key stored for a test account", async () => {
    const account = await createAccount("test");
    const live = await addKey(account.id, "live");
    const res = await api("/v1/messages", { key: live.key, json: smsBody() });
    await expectError(res, 401, { type: "authentication_error", code: "invalid_api_key" });
    expect(await messageCount(account.id)).toBe(0);
    // The account itself is fine: its test-format key works.
    expect((await api("/v1/messages", { key: account.key })).status).toBe(200);
  });

  it("refuses a test-format key stored for a live account", async () => {
    const account = await createAccount("live");
    const test = await addKey(account.id, "test");
    await expectError(await api("/v1/messages", { key: test.key }), 401, { type: "authentication_error", code: "invalid_api_key" });
    expect((await api("/v1/messages", { key: account.key })).status).toBe(200);
  });
});

describe("what a request learns without a valid key", () => {
  it("gets 401 before its body is validated", async () => {
    const res = await api("/v1/messages", { key: generateApiKey("test", newId("acct")), json: { channel: "FAX" } });
    await expectError(res, 401, { type: "authentication_error" });
  });

  it("gets 401, not 404, for a message id", async () => {
    const owner = await createAccount();
    const created = await api("/v1/messages", { key: owner.key, json: smsBody() });
    const { id } = await created.json<{ id: string }>();
    await expectError(await api(`/v1/messages/${id}`, { key: null }), 401, { type: "authentication_error" });
  });
});

// A message create reads its template and senders in the key lookup's round
// trip, before the key is verified, for the accounts of every key with the
// presented prefix (see src/http/auth.ts). Only the proven account's rows count.
describe("reads made with the key lookup", () => {
  /** Stores, for `other`, a key with `account`'s visible prefix but another secret. */
  async function sharePrefix(account: { keyPrefix: string }, other: { id: string }) {
    const lookalike = `${account.keyPrefix}${"0".repeat(40)}`;
    await db()
      .insert(apiKeys)
      .values({ id: newId("key"), accountId: other.id, prefix: account.keyPrefix, hash: await hashApiKey(lookalike), createdAt: unixSeconds() });
  }

  it("never use a template of another account whose key shares the prefix", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await seedExample(other);
    await sharePrefix(account, other);
    const res = await api("/v1/messages", {
      key: account.key,
      json: { channel: "SMS", to: "+14155550123", content: { template_id: "auth_otp", variables: { code: "1" } } },
    });
    await expectError(res, 400, { code: "resource_missing", param: "content[template_id]" });
    expect(await messageCount(account.id)).toBe(0);
    expect(await messageCount(other.id)).toBe(0);
  });

  it("never pick a sender of another account whose key shares the prefix", async () => {
    const account = await createAccount("live");
    const other = await createAccount("live");
    const othersSender = await bindSender(other, "sms");
    await sharePrefix(account, other);
    const res = await api("/v1/messages", { key: account.key, json: smsBody() });
    await expectError(res, 400, { code: "no_default_sender", param: "from" });
    const named = await api("/v1/messages", { key: account.key, json: smsBody({ from: othersSender.address }) });
    await expectError(named, 400, { code: "resource_missing", param: "from" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("count for nothing when the key's secret is wrong: 401, nothing stored", async () => {
    const account = await createAccount();
    await seedExample(account);
    const wrongSecret = `${account.keyPrefix}${"f".repeat(40)}`;
    const res = await api("/v1/messages", {
      key: wrongSecret,
      json: { channel: "SMS", to: "+14155550123", content: { template_id: "auth_otp", variables: { code: "1" } } },
    });
    await expectError(res, 401, { type: "authentication_error", code: "invalid_api_key" });
    expect(await messageCount(account.id)).toBe(0);
  });
});

describe("the key is never echoed", () => {
  it("in any 401, whatever form the key came in", async () => {
    const account = await createAccount();
    await revoke(account);
    const secret = account.key.slice(account.keyPrefix.length);
    const headers = [
      `Bearer ${account.key}`,
      basicAuth(account.key),
      `Token ${account.key}`,
      `Bearer ${account.key} trailing`,
      `Bearer ${account.key.toUpperCase()}`,
    ];
    for (const authorization of headers) {
      const res = await api("/v1/messages", { key: null, headers: { Authorization: authorization } });
      expect(res.status).toBe(401);
      const seen = await visible(res);
      expect(seen).not.toContain(secret);
      expect(seen.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it("in successful and failed requests made with it", async () => {
    const account = await createAccount();
    const secret = account.key.slice(account.keyPrefix.length);
    const responses = [
      await api("/v1/messages", { key: account.key, json: smsBody() }),
      await api("/v1/messages", { key: account.key, json: smsBody({ to: account.key }) }),
      await api("/v1/messages", { key: account.key }),
      await api("/v1/messages/msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f", { key: account.key }),
    ];
    expect(responses.map((res) => res.status)).toEqual([201, 400, 200, 404]);
    for (const res of responses) expect(await visible(res)).not.toContain(secret);
  });

  it("in the log line of an unexpected failure", async () => {
    const account = await createAccount();
    const { log } = failMessageQueries();
    const res = await api("/v1/messages", { key: account.key });
    expect(res.status).toBe(500);
    expect(log).toHaveBeenCalled();
    const logged = JSON.stringify(log.mock.calls);
    expect(logged).toContain(res.headers.get("X-Request-Id"));
    expect(logged).not.toContain(account.key.slice(account.keyPrefix.length));
  });
});
