import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import { unixSeconds } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { aroundExecution, failMessageInserts, homeDb, messageBindings, messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { storedKey, withKey } from "./idempotency.fixture.ts";

afterEach(() => vi.restoreAllMocks());

async function errorOf(res: Response) {
  return (await res.json<{ error: Record<string, unknown> }>()).error;
}

/**
 * Holds the D1 write of the next message insert until the test sets
 * `released`, then lets it commit or fail; `reached` tells the write is being
 * held (so the request holds its key). The request polls the flag: the test
 * cannot resolve a promise a request awaits, requests have their own I/O
 * context. With "commit then fail", the row is written but the request is told
 * the write failed (its answer was lost).
 */
function holdNextMessageInsert(outcome: "commit" | "fail" | "commit then fail") {
  const hold = { reached: false, released: false };
  let armed = true;
  for (const binding of messageBindings()) {
    const prepare = binding.prepare.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
      if (!armed || !sql.startsWith('insert into "messages"')) return prepare(sql);
      armed = false;
      return aroundExecution(prepare(sql), ["run"], async (execute) => {
        hold.reached = true;
        // Bounded, so a failing test cannot leave the request hanging.
        for (let waited = 0; !hold.released && waited < 10_000; waited += 5) await scheduler.wait(5);
        if (outcome === "fail") throw new Error("D1_ERROR: the Worker died");
        const result = await execute();
        if (outcome === "commit then fail") throw new Error("D1_ERROR: Network connection lost.");
        return result;
      });
    });
  }
  return hold;
}

async function until(condition: () => boolean) {
  while (!condition()) await scheduler.wait(5);
}

describe("Idempotency-Key on POST /v1/messages", () => {
  it("answers 400 idempotency_error when the key is reused with other parameters, and stores nothing", async () => {
    const account = await createAccount();
    await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-mismatch") });
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ to: "+14155550124" }), headers: withKey("k-mismatch") });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "idempotency_error", code: "idempotency_parameters_mismatch" });
    expect(await messageCount(account.id)).toBe(1);
  });

  it("answers 409 idempotency_key_in_use while the first request is still running, then replays its result", async () => {
    const account = await createAccount();
    const hold = holdNextMessageInsert("commit");
    const first = api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-in-flight") });
    await until(() => hold.reached);

    const during = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-in-flight") });
    expect(during.status).toBe(409);
    expect(during.headers.get("Retry-After")).toBe("1");
    expect(await errorOf(during)).toMatchObject({ type: "idempotency_error", code: "idempotency_key_in_use" });

    hold.released = true;
    const firstResponse = await first;
    expect(firstResponse.status).toBe(201);
    const after = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-in-flight") });
    expect(after.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await after.text()).toBe(await firstResponse.text());
    expect(await messageCount(account.id)).toBe(1);
  });

  it("creates exactly one message from many concurrent requests with one key", async () => {
    const account = await createAccount();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-race") })),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = responses.filter((res) => res.status === 201);
    const bodies = new Set(await Promise.all(created.map((res) => res.text())));
    expect(bodies.size).toBe(1);
    expect(created.filter((res) => !res.headers.has("Idempotent-Replayed"))).toHaveLength(1);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("does not store a failed request: the corrected retry with the same key creates the message", async () => {
    const account = await createAccount();
    const bad = await api("/v1/messages", { key: account.key, json: smsBody({ to: "not-a-number" }), headers: withKey("k-fix") });
    expect(bad.status).toBe(400);
    expect(await storedKey(account, "k-fix")).toBeUndefined();
    const fixed = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-fix") });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.has("Idempotent-Replayed")).toBe(false);
  });

  it("releases the key when the D1 write fails, so the retry succeeds and only one message exists", async () => {
    const account = await createAccount();
    vi.spyOn(console, "error").mockImplementation(() => {});
    failMessageInserts();
    const failed = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-500") });
    expect(failed.status).toBe(500);
    vi.restoreAllMocks();
    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-500") });
    expect(retry.status).toBe(201);
    expect(await messageCount(account.id)).toBe(1);
  });

  it.each([
    ["empty", ""],
    ["longer than 255 characters", "k".repeat(256)],
    ["not printable ASCII", "tab\there"],
  ])("refuses a key that is %s with 400 idempotency_key_invalid", async (_, key) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey(key) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ type: "invalid_request_error", code: "idempotency_key_invalid" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("lets a retry take over a claim abandoned by a request that died before writing anything", async () => {
    const account = await createAccount();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const hold = holdNextMessageInsert("fail");
    // The first request is stuck before its write; pretend it has been for two minutes.
    const first = api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-abandoned") });
    await until(() => hold.reached);
    await homeDb(account)
      .update(idempotencyKeys)
      .set({ lockedAt: unixSeconds() - 120 })
      .where(eq(idempotencyKeys.key, "k-abandoned"));

    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-abandoned") });
    expect(retry.status).toBe(201);
    expect(retry.headers.has("Idempotent-Replayed")).toBe(false);
    // The stuck request never writes (its Worker is gone): it fails without touching the new claim.
    hold.released = true;
    expect((await first).status).toBe(500);
    const replay = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-abandoned") });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await messageCount(account.id)).toBe(1);
  });

  it("keeps the key when the message was stored but the answer was lost: the retry replays it", async () => {
    const account = await createAccount();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const hold = holdNextMessageInsert("commit then fail");
    hold.released = true;
    const failed = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-lost-answer") });
    expect(failed.status).toBe(500);
    vi.restoreAllMocks();

    const retry = await api("/v1/messages", { key: account.key, json: smsBody(), headers: withKey("k-lost-answer") });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await messageCount(account.id)).toBe(1);
  });
});
