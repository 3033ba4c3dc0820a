// Suppressions through the API: added, found, listed, deleted; and what they
// are for: a create to a suppressed recipient is refused before anything is
// stored, at no D1 round trip of its own.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { apiKeys } from "../../src/db/control-schema.ts";
import { unixSeconds } from "../../src/domain/ids.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { countD1Statements, db } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { expectNothingStored } from "../support/state.ts";

async function suppress(account: TestAccount, body: Record<string, unknown>) {
  const res = await api("/v1/suppressions", { key: account.key, json: body });
  return { status: res.status, body: await res.json<Record<string, unknown> & { id: string }>() };
}

describe("POST /v1/suppressions", () => {
  it("suppresses a recipient, normalized as a message's to, with reason manual unless given", async () => {
    const account = await createAccount();
    const { status, body } = await suppress(account, { channel: "SMS", address: "+1 415 555 0123" });
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^sup_[0-9a-f]{32}$/),
      object: "suppression",
      channel: "sms",
      address: "+14155550123",
      reason: "manual",
      source_message_id: null,
      created_at: expect.any(Number),
    });
    const email = await suppress(account, { channel: "email", address: "Ana@Example.com", reason: "complaint" });
    expect(email.body).toMatchObject({ channel: "email", address: "ana@example.com", reason: "complaint" });
  });

  it("answers a recipient already suppressed with its suppression as it was, and a 200", async () => {
    const account = await createAccount();
    const first = await suppress(account, { channel: "sms", address: "+14155550123", reason: "opt_out" });
    const again = await suppress(account, { channel: "sms", address: "+1 (415) 555-0123" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const list = await (await api("/v1/suppressions", { key: account.key })).json<{ data: unknown[] }>();
    expect(list.data).toHaveLength(1);
  });

  it("form-encoded works as JSON does", async () => {
    const account = await createAccount();
    const res = await api("/v1/suppressions", { key: account.key, form: "channel=WHATSAPP&address=%2B919876543210&reason=opt_out" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ channel: "whatsapp", address: "+919876543210", reason: "opt_out" });
  });
});

describe("a create to a suppressed recipient", () => {
  it("is a 400 recipient_suppressed naming to, stores nothing, and works again once the suppression is deleted", async () => {
    const account = await createAccount();
    const { body: suppression } = await suppress(account, { channel: "sms", address: "+14155550123" });
    // Written another way: the create normalizes it to the same number.
    const refused = await expectNothingStored(account, () => api("/v1/messages", { key: account.key, json: smsBody({ to: "+1 415-555-0123" }) }));
    await expectError(refused, 400, { type: "invalid_request_error", code: "recipient_suppressed", param: "to" });
    // Another channel to the same number is not suppressed.
    expect((await api("/v1/messages", { key: account.key, json: smsBody({ channel: "WHATSAPP" }) })).status).toBe(201);

    const deleted = await api(`/v1/suppressions/${suppression.id}`, { key: account.key, method: "DELETE" });
    expect(await deleted.json()).toEqual({ id: suppression.id, object: "suppression", deleted: true });
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
  });

  it("refuses an email address in any letter case", async () => {
    const account = await createAccount();
    await suppress(account, { channel: "email", address: "ana@example.com", reason: "hard_bounce" });
    const res = await api("/v1/messages", { key: account.key, json: { channel: "EMAIL", to: "ANA@example.com", content: { subject: "Hi", text: "Hello" } } });
    await expectError(res, 400, { code: "recipient_suppressed", param: "to" });
  });

  it.each([
    ["suppressed", true],
    ["not suppressed", false],
  ])("costs the same D1 round trips as any create when the recipient is %s (the gate answers)", async (_, suppressed) => {
    const account = await createAccount();
    // A key used within the last minute: its last_used_at is not written again.
    await db().update(apiKeys).set({ lastUsedAt: unixSeconds() }).where(eq(apiKeys.accountId, account.id));
    // The gate warm: the account, its keys, its suppressions and the default pool read once.
    expect((await api("/v1/messages", { key: account.key, json: smsBody({ to: "+14155550100" }) })).status).toBe(201);
    if (suppressed) await suppress(account, { channel: "sms", address: "+14155550199" });

    const d1 = countD1Statements([account.id]);
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ to: "+14155550199" }) });
    const counted = { ...d1 };
    vi.restoreAllMocks();
    // Suppressed: nothing at all (the refusal is the gate's answer); otherwise the insert alone.
    expect(res.status).toBe(suppressed ? 400 : 201);
    expect(counted.roundTrips).toBe(suppressed ? 0 : 1);
  });
});

describe("an account with more suppressions than its gate loads whole (10,000)", () => {
  it("still has its creates refused: each recipient read with the create's other reads, the answer kept, and changes told", async () => {
    const account = await createAccount();
    await env.CONTROL_DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
       INSERT INTO suppressions (id, account_id, channel, address, reason, created_at)
       SELECT 'sup_' || lower(hex(randomblob(16))), ?, 'email', 'user' || i || '@example.com', 'manual', 0 FROM n`,
    )
      .bind(account.id)
      .run();
    await db().update(apiKeys).set({ lastUsedAt: unixSeconds() }).where(eq(apiKeys.accountId, account.id));
    const email = (to: string) => ({ channel: "EMAIL", to, content: { subject: "Hi", text: "Hello" } });
    await expectError(await api("/v1/messages", { key: account.key, json: email("user10001@example.com") }), 400, { code: "recipient_suppressed" });
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);

    // Both answers are kept: the same recipients again cost the insert alone, or nothing.
    const d1 = countD1Statements([account.id]);
    await expectError(await api("/v1/messages", { key: account.key, json: email("user10001@example.com") }), 400, { code: "recipient_suppressed" });
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
    const counted = { ...d1 };
    vi.restoreAllMocks();
    expect(counted.roundTrips).toBe(1);

    // A suppression added and deleted through the API is told to the gate.
    const { body } = await suppress(account, { channel: "sms", address: "+14155550123" });
    await expectError(await api("/v1/messages", { key: account.key, json: smsBody() }), 400, { code: "recipient_suppressed" });
    await api(`/v1/suppressions/${body.id}`, { key: account.key, method: "DELETE" });
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
  });
});

describe("GET /v1/suppressions", () => {
  it("lists newest first, by cursor, filtered by channel, address and reason", async () => {
    const account = await createAccount();
    const a = (await suppress(account, { channel: "sms", address: "+14155550101", reason: "opt_out" })).body;
    const b = (await suppress(account, { channel: "email", address: "b@example.com", reason: "hard_bounce" })).body;
    const c = (await suppress(account, { channel: "sms", address: "+14155550103" })).body;
    const list = async (query: string) =>
      await (await api(`/v1/suppressions?${query}`, { key: account.key })).json<{ data: { id: string }[]; next_cursor: string | null }>();

    const first = await list("limit=2");
    expect(first.data.map((s) => s.id)).toEqual([c.id, b.id]);
    expect((await list(`limit=2&cursor=${first.next_cursor}`)).data.map((s) => s.id)).toEqual([a.id]);
    expect((await list("channel=SMS")).data.map((s) => s.id)).toEqual([c.id, a.id]);
    expect((await list("reason=hard_bounce")).data.map((s) => s.id)).toEqual([b.id]);
    expect((await list(`address=${encodeURIComponent("+1 415 555 0101")}`)).data.map((s) => s.id)).toEqual([a.id]);
    expect((await list("address=B%40example.com")).data.map((s) => s.id)).toEqual([b.id]);
  });

  it("retrieves one by id", async () => {
    const account = await createAccount();
    const { body } = await suppress(account, { channel: "sms", address: "+14155550123" });
    const res = await api(`/v1/suppressions/${body.id}`, { key: account.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(body);
  });
});
