// The key operations of /v1/api_keys, as a customer uses them: create a key and
// call the API with it, list and retrieve it (never its secret), roll it with
// an overlap, revoke it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

afterEach(() => vi.useRealTimers());

interface KeyObject {
  id: string;
  object: string;
  name: string;
  prefix: string;
  mode: string;
  permission: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  secret?: string;
}

async function createKey(key: string, body: Record<string, unknown>): Promise<KeyObject> {
  const res = await api("/v1/api_keys", { key, json: body });
  expect(res.status).toBe(201);
  return res.json<KeyObject>();
}

describe("creating an API key", () => {
  it("answers the key with its secret once, and the secret works against the API", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const created = await createKey(account.key, { name: "Production backend" });
    expect(created).toEqual({
      id: expect.stringMatching(/^key_[0-9a-f]{32}$/),
      object: "api_key",
      name: "Production backend",
      prefix: created.secret!.slice(0, "sk_test_v3_".length + 8),
      mode: "test",
      permission: "full_access",
      created_at: expect.any(Number),
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
      secret: expect.stringMatching(/^sk_test_v3_[0-9a-f]{80}$/),
    });
    expect(created.created_at).toBeGreaterThanOrEqual(before);
    expect((await api("/v1/account", { key: created.secret! })).status).toBe(200);

    const retrieved = await (await api(`/v1/api_keys/${created.id}`, { key: account.key })).json<KeyObject>();
    const { secret: _, ...withoutSecret } = created;
    expect(retrieved).toEqual(expect.objectContaining({ ...withoutSecret, last_used_at: expect.any(Number) }));
    expect(retrieved).not.toHaveProperty("secret");
  });

  it("accepts a form body, and lists keys newest first without secrets", async () => {
    const account = await createAccount();
    const res = await api("/v1/api_keys", { key: account.key, form: "name=Sender%20only&permission=sending_access" });
    expect(res.status).toBe(201);
    const sending = await res.json<KeyObject>();
    expect(sending.permission).toBe("sending_access");
    const list = await (await api("/v1/api_keys?limit=10", { key: account.key })).json<{ data: KeyObject[]; has_more: boolean }>();
    expect(list.data.map((key) => key.id)[0]).toBe(sending.id);
    expect(list.data).toHaveLength(2);
    expect(list.data.every((key) => !("secret" in key))).toBe(true);
    expect(list.data[1]!.prefix).toBe(account.keyPrefix);
  });
});

describe("rolling an API key", () => {
  it("issues a successor with the same name and permission; the old key works for the overlap, then stops", async () => {
    const account = await createAccount();
    const old = await createKey(account.key, { name: "worker", permission: "sending_access" });
    const res = await api(`/v1/api_keys/${old.id}/roll`, { key: account.key, json: { expires_in: 3600 } });
    expect(res.status).toBe(200);
    const rolled = await res.json<KeyObject>();
    expect(rolled).toMatchObject({ name: "worker", permission: "sending_access", expires_at: null, revoked_at: null });
    expect(rolled.id).not.toBe(old.id);
    expect(rolled.secret).not.toBe(old.secret);
    const oldNow = await (await api(`/v1/api_keys/${old.id}`, { key: account.key })).json<KeyObject>();
    expect(oldNow.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(3598);
    expect(oldNow.expires_at! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(3600);

    const send = (key: string) => api("/v1/messages", { key, json: { channel: "sms", to: "+14155550123", content: { text: "hi" } } });
    expect((await send(old.secret!)).status).toBe(201);
    expect((await send(rolled.secret!)).status).toBe(201);
    // D1 compares expires_at with its own clock, so the overlap's end is shown by a roll that ends at once.
    const now = await (await api(`/v1/api_keys/${rolled.id}/roll`, { key: account.key, json: {} })).json<KeyObject>();
    await expectError(await send(rolled.secret!), 401, { type: "authentication_error", code: "invalid_api_key" });
    expect((await send(now.secret!)).status).toBe(201);
  });

  it("refuses to roll a key twice or a revoked key", async () => {
    const account = await createAccount();
    const key = await createKey(account.key, { name: "twice" });
    expect((await api(`/v1/api_keys/${key.id}/roll`, { key: account.key, json: { expires_in: 60 } })).status).toBe(200);
    await expectError(await api(`/v1/api_keys/${key.id}/roll`, { key: account.key, json: {} }), 400, { code: "api_key_not_active", param: "id" });
    const other = await createKey(account.key, { name: "revoked" });
    expect((await api(`/v1/api_keys/${other.id}`, { key: account.key, method: "DELETE" })).status).toBe(200);
    await expectError(await api(`/v1/api_keys/${other.id}/roll`, { key: account.key, json: {} }), 400, { code: "api_key_not_active" });
  });
});

describe("revoking an API key", () => {
  it("stops it at once and answers it with revoked_at; revoking again changes nothing", async () => {
    const account = await createAccount();
    const key = await createKey(account.key, { name: "leaked" });
    expect((await api("/v1/account", { key: key.secret! })).status).toBe(200);
    const revoked = await (await api(`/v1/api_keys/${key.id}`, { key: account.key, method: "DELETE" })).json<KeyObject>();
    expect(revoked.revoked_at).toBeGreaterThanOrEqual(key.created_at);
    await expectError(await api("/v1/account", { key: key.secret! }), 401, { type: "authentication_error", code: "invalid_api_key" });
    const again = await (await api(`/v1/api_keys/${key.id}`, { key: account.key, method: "DELETE" })).json<KeyObject>();
    expect(again.revoked_at).toBe(revoked.revoked_at);
  });
});
