import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKeys } from "../../src/db/control-schema.ts";
import { idempotencyKeys, messages } from "../../src/db/message-schema.ts";
import { unixSeconds } from "../../src/domain/ids.ts";
import { pruneIdempotencyKeys } from "../../src/services/maintenance.ts";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements, db, homeDb, messageCount, messageDb } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { storedKey, withKey } from "./idempotency.fixture.ts";

afterEach(() => vi.restoreAllMocks());

describe("Idempotency-Key on POST /v1/messages", () => {
  it("replays the first response byte for byte, with Idempotent-Replayed, and creates one message", async () => {
    const account = await createAccount();
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send");
    const first = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("order-1842") });
    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("order-1842") });

    expect(first.status).toBe(201);
    expect(first.headers.has("Idempotent-Replayed")).toBe(false);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
    expect(await retry.text()).toBe(await first.text());
    expect(await messageCount(account.id)).toBe(1);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("treats the JSON and the form encoding of the same parameters as the same request", async () => {
    const account = await createAccount();
    await seedExample(account);
    const json = await api("/v1/messages", {
      key: account.key,
      json: { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "auth_otp", variables: { code: 849201 } } },
      headers: withKey("k-encodings"),
    });
    const form = await api("/v1/messages", {
      key: account.key,
      form: "content[variables][code]=849201&to=%2B919876543210&content[template_id]=auth_otp&channel=WHATSAPP",
      headers: withKey("k-encodings"),
    });
    expect(json.status).toBe(201);
    expect(form.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await form.text()).toBe(await json.text());
    expect(await messageCount(account.id)).toBe(1);
  });

  it("keeps keys per account: another account's same key is a new request", async () => {
    const a = await createAccount();
    const b = await createAccount();
    const first = await api("/v1/messages", { key: a.key, json: smsBody(), headers: withKey("shared-key") });
    const other = await api("/v1/messages", { key: b.key, json: smsBody(), headers: withKey("shared-key") });
    expect(other.status).toBe(201);
    expect(other.headers.has("Idempotent-Replayed")).toBe(false);
    expect((await other.json<{ id: string }>()).id).not.toBe((await first.json<{ id: string }>()).id);
  });

  it("accepts a key of exactly 255 characters", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k".repeat(255)) });
    expect(res.status).toBe(201);
  });

  it("ignores the header on GET requests", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, headers: withKey("k-get") });
    expect(res.status).toBe(200);
    expect(await storedKey(account, "k-get")).toBeUndefined();
  });

  it("keeps a key for 24 hours; once expired the key is free for a new request", async () => {
    const account = await createAccount();
    await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-expiry") });
    const stored = await storedKey(account, "k-expiry");
    expect(stored!.expiresAt - stored!.createdAt).toBe(24 * 60 * 60);

    await homeDb(account)
      .update(idempotencyKeys)
      .set({ expiresAt: unixSeconds() - 1 })
      .where(eq(idempotencyKeys.key, "k-expiry"));
    const reused = await api("/v1/messages", { key: account.key, json: smsBody({ to: "+14155550124" }), headers: withKey("k-expiry") });
    expect(reused.status).toBe(201);
    expect(reused.headers.has("Idempotent-Replayed")).toBe(false);
    expect(await messageCount(account.id)).toBe(2);
  });

  it("replays the message as created, even once it has been delivered", async () => {
    const account = await createAccount();
    const first = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-later") });
    const { id } = await first.clone().json<{ id: string }>();
    await messageDb(id).update(messages).set({ status: "delivered", deliveredAt: unixSeconds(), providerLatencyMs: 840 }).where(eq(messages.id, id));

    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-later") });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(await first.text());
  });

  it("still replays a completed create long after its claim was made (never taken for abandoned)", async () => {
    const account = await createAccount();
    const first = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-old-claim") });
    await homeDb(account)
      .update(idempotencyKeys)
      .set({ lockedAt: unixSeconds() - 3_600 })
      .where(eq(idempotencyKeys.key, "k-old-claim"));

    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-old-claim") });
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(await first.text());
    expect(await messageCount(account.id)).toBe(1);
  });

  it("prunes expired keys and keeps live ones", async () => {
    const account = await createAccount();
    await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-old") });
    await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-live") });
    await homeDb(account)
      .update(idempotencyKeys)
      .set({ expiresAt: unixSeconds() - 10 })
      .where(eq(idempotencyKeys.key, "k-old"));

    // What the every-minute Cron Trigger runs (see src/services/maintenance.ts).
    await pruneIdempotencyKeys(env, Date.now());
    expect(await storedKey(account, "k-old")).toBeUndefined();
    expect(await storedKey(account, "k-live")).toBeDefined();
  });
});

// The account's gate (src/gate/account-gate.ts) holds the account, its keys
// and what a create reads; it reads D1 only on its first use (cold) and when
// told of a change. A create then writes its message, and with an
// Idempotency-Key claims the key first.
describe("D1 round trips of POST /v1/messages", () => {
  const templated = { channel: "SMS", to: "+14155550123", content: { template_id: "auth_otp", variables: { code: "849201" } } };
  const named = smsBody({ from: "+14155550100" });

  it.each([
    ["a template, warm gate, without an Idempotency-Key: the message alone", templated, undefined, 1],
    ["a template, warm gate, with a key: the key's claim, then the message", templated, "k-trips-1", 2],
    ["a named sender and text, warm gate, without a key", named, undefined, 1],
    ["a named sender and text, warm gate, with a key", named, "k-trips-2", 2],
  ])("%s", async (_, json, key, expected) => {
    const account = await createAccount();
    await seedExample(account);
    // A key used within the last minute: its last_used_at is not written again (the gate writes it once a minute, off the request path).
    await db().update(apiKeys).set({ lastUsedAt: unixSeconds() }).where(eq(apiKeys.accountId, account.id));
    expect((await api("/v1/messages", { key: account.key, json })).status).toBe(201);
    // Only this account's: other files' background deliveries share the runtime's D1.
    const d1 = countD1Statements([account.id]);
    const res = await api("/v1/messages", { key: account.key, json, headers: key ? withKey(key) : {} });
    const counted = d1.roundTrips;
    vi.restoreAllMocks();
    expect(res.status).toBe(201);
    expect(counted).toBe(expected);
  });

  it.each([
    ["a template, cold gate: the account and its keys, then the template and pool, then the message", templated, 3],
    ["a named sender and text, cold gate (a test key looks nothing up): the account and its keys, then the message", named, 2],
  ])("%s", async (_, json, expected) => {
    const account = await createAccount();
    await seedExample(account);
    // A key used within the last minute: its last_used_at is not written again (the gate writes it once a minute, off the request path).
    await db().update(apiKeys).set({ lastUsedAt: unixSeconds() }).where(eq(apiKeys.accountId, account.id));
    const d1 = countD1Statements([account.id]);
    const res = await api("/v1/messages", { key: account.key, json });
    const counted = d1.roundTrips;
    vi.restoreAllMocks();
    expect(res.status).toBe(201);
    expect(counted).toBe(expected);
  });
});
