import { describe, expect, it } from "vitest";
import { addKey, createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

async function errorOf(res: Response) {
  return (await res.json<{ error: Record<string, unknown> }>()).error;
}

const rateHeaders = (res: Response) => ({
  limit: res.headers.get("RateLimit-Limit"),
  remaining: res.headers.get("RateLimit-Remaining"),
  reset: res.headers.get("RateLimit-Reset"),
});

describe("request rate limit per API key", () => {
  it("puts RateLimit-Limit, -Remaining and -Reset on every authenticated response, success or error", async () => {
    const account = await createAccount();
    const responses = [
      await api("/v1/messages", { key: account.key, json: smsBody() }),
      await api("/v1/messages", { key: account.key }),
      await api("/v1/messages/msg_00000000000000000000000000000000", { key: account.key }),
      await api("/v1/messages", { key: account.key, json: smsBody({ to: "nope" }) }),
      await api("/v1/nothing-here", { key: account.key }),
    ];
    expect(responses.map((res) => res.status)).toEqual([201, 200, 404, 400, 404]);
    // Default: 100 requests/s with bursts of 2 s worth, so a 200-token bucket.
    expect(responses.map((res) => rateHeaders(res).limit)).toEqual(["200", "200", "200", "200", "200"]);
    // Each request takes a token; the bucket refills 1 token per 10 ms meanwhile.
    expect(rateHeaders(responses[0]!).remaining).toBe("199");
    for (const res of responses) {
      expect(Number(rateHeaders(res).remaining)).toBeLessThan(200);
      expect(Number(rateHeaders(res).reset)).toBeGreaterThanOrEqual(1);
    }
  });

  it("has no rate limit headers on a request that is not authenticated", async () => {
    const res = await api("/v1/messages", { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.has("RateLimit-Limit")).toBe(false);
  });

  it("answers 429 rate_limit_error with Retry-After once the burst is spent, and stores nothing", async () => {
    const account = await createAccount("test", { rateLimitRps: 1 });
    const allowed = [];
    for (let i = 0; i < 2; i++) allowed.push(await api("/v1/messages", { key: account.key, json: smsBody() }));
    expect(allowed.map((res) => res.status)).toEqual([201, 201]);

    const refused = await api("/v1/messages", { key: account.key, json: smsBody() });
    expect(refused.status).toBe(429);
    expect(await errorOf(refused)).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(refused.headers.get("Retry-After")).toBe("1");
    expect(rateHeaders(refused)).toMatchObject({ limit: "2", remaining: "0" });
    expect(await messageCount(account.id)).toBe(2);
  });

  it("refills the bucket at the account's rate", async () => {
    const account = await createAccount("test", { rateLimitRps: 2 });
    let refused: Response | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await api("/v1/messages", { key: account.key });
      if (res.status === 429) refused = res;
    }
    expect(refused).toBeDefined();
    await scheduler.wait(600); // a token takes 500 ms at 2/s
    expect((await api("/v1/messages", { key: account.key })).status).toBe(200);
  });

  it("gives each API key its own bucket", async () => {
    const account = await createAccount("test", { rateLimitRps: 1 });
    const { key: second } = await addKey(account.id, "test");
    await api("/v1/messages", { key: account.key });
    await api("/v1/messages", { key: account.key });
    expect((await api("/v1/messages", { key: account.key })).status).toBe(429);
    const other = await api("/v1/messages", { key: second });
    expect(other.status).toBe(200);
    expect(rateHeaders(other).remaining).toBe("1");
  });
});

describe("daily message cap per channel (live keys)", () => {
  it("answers 429 daily_limit_exceeded past the cap, per channel, with Retry-After until the next UTC day", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 2 });
    await bindSender(account, "sms");
    await bindSender(account, "whatsapp");
    for (let i = 0; i < 2; i++) expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);

    const over = await api("/v1/messages", { key: account.key, json: smsBody() });
    expect(over.status).toBe(429);
    expect(await errorOf(over)).toMatchObject({ type: "rate_limit_error", code: "daily_limit_exceeded" });
    const retryAfter = Number(over.headers.get("Retry-After"));
    const toMidnight = Math.ceil((new Date().setUTCHours(24, 0, 0, 0) - Date.now()) / 1000);
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - toMidnight)).toBeLessThanOrEqual(2);
    expect(await messageCount(account.id)).toBe(2);

    const whatsapp = await api("/v1/messages", { key: account.key, json: smsBody({ channel: "WHATSAPP" }) });
    expect(whatsapp.status).toBe(201);
  });

  it("counts only messages created: invalid requests and idempotent replays do not use the cap", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 2 });
    await bindSender(account, "sms");
    const invalid = await api("/v1/messages", { key: account.key, json: smsBody({ to: "not-a-number" }) });
    expect(invalid.status).toBe(400);
    const headers = { "Idempotency-Key": "daily-1" };
    expect((await api("/v1/messages", { key: account.key, json: smsBody(), headers })).status).toBe(201);
    const replay = await api("/v1/messages", { key: account.key, json: smsBody(), headers });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(429);
  });

  it("counts the account's messages across all its keys", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    await bindSender(account, "sms");
    const { key: second } = await addKey(account.id, "live");
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
    expect((await api("/v1/messages", { key: second, json: smsBody() })).status).toBe(429);
  });

  it("does not cap test keys, whose messages never reach a provider", async () => {
    const account = await createAccount("test", { dailyMessageLimit: 1 });
    for (let i = 0; i < 3; i++) expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(201);
  });
});
