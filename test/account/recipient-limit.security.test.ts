// recipient_limits[per_hour]: past it, a create to that recipient is a 429
// recipient_rate_limited with Retry-After, counted exactly in the account's gate.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { workerControl } from "../../src/services/control.ts";
import { changeOperatorSettings, findAccountNamed } from "../../src/services/operator.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

const LIMIT = 3;
const send = (account: TestAccount, to: string, extra: Record<string, unknown> = {}) =>
  api("/v1/messages", { key: account.key, json: smsBody({ to, ...extra }) });

async function limitedAccount(mode: "test" | "live" = "test", perHour = LIMIT): Promise<TestAccount> {
  const account = await createAccount(mode);
  const res = await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: perHour } } });
  expect(res.status).toBe(200);
  return account;
}

describe("the per-recipient limit", () => {
  it("is off by default", async () => {
    const account = await createAccount();
    for (let i = 0; i < 6; i++) expect((await send(account, "+14155550123")).status).toBe(201);
  });

  it("allows exactly per_hour messages to one recipient, then answers 429 with Retry-After", async () => {
    const account = await limitedAccount();
    for (let i = 0; i < LIMIT; i++) expect((await send(account, "+14155550123")).status).toBe(201);
    const res = await send(account, "+14155550123");
    await expectError(res, 429, { type: "rate_limit_error", code: "recipient_rate_limited" });
    // One more message an hour / per_hour: the next is allowed 3600 / 3 = 1,200 s later.
    const retryAfter = Number(res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(1190);
    expect(retryAfter).toBeLessThanOrEqual(1200);
    expect(await messageCount(account.id)).toBe(LIMIT);
    // Another recipient has its own count.
    expect((await send(account, "+14155550124")).status).toBe(201);
  });

  it("counts concurrent creates exactly", async () => {
    const account = await limitedAccount("test", 5);
    const answers = await Promise.all(Array.from({ length: 12 }, () => send(account, "+14155550125")));
    expect(answers.filter((res) => res.status === 201)).toHaveLength(5);
    expect(answers.filter((res) => res.status === 429)).toHaveLength(7);
    expect(await messageCount(account.id)).toBe(5);
  });

  it("gives a refused create's slot back: a blocked country or a bad body does not count", async () => {
    const account = await limitedAccount("test", 1);
    await expectError(await send(account, "+14155550126", { content: { text: "" } }), 400, { param: "content[text]" });
    await api("/v1/geo_permissions", { key: account.key, json: { countries: { US: "blocked" } } });
    await expectError(await send(account, "+14155550126"), 400, { code: "destination_country_blocked" });
    await api("/v1/geo_permissions", { key: account.key, json: { countries: { US: "allowed" } } });
    expect((await send(account, "+14155550126")).status).toBe(201);
    await expectError(await send(account, "+14155550126"), 429, { type: "rate_limit_error", code: "recipient_rate_limited" });
  });

  it("applies to live keys as to test keys", async () => {
    const account = await limitedAccount("live", 1);
    await bindSender(account, "sms");
    expect((await send(account, "+14155550127")).status).toBe(201);
    await expectError(await send(account, "+14155550127"), 429, { type: "rate_limit_error", code: "recipient_rate_limited" });
  });

  it("gives the recipient's slot back when the daily cap refuses the create", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 1 });
    await bindSender(account, "sms");
    await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 2 } } });
    expect((await send(account, "+14155550129")).status).toBe(201);
    await expectError(await send(account, "+14155550129"), 429, { type: "rate_limit_error", code: "daily_limit_exceeded" });
    // The operator raises the cap, through its service (from a script the gate reloads the account within 10 s; told at once here).
    const control = workerControl(env);
    const found = await findAccountNamed(control, account.id);
    if (!found.ok) throw new Error(found.problem.message);
    await changeOperatorSettings(control, found.value, { dailyMessageLimit: 10 });
    expect((await send(account, "+14155550129")).status).toBe(201);
    await expectError(await send(account, "+14155550129"), 429, { type: "rate_limit_error", code: "recipient_rate_limited" });
  });

  it("is one account's: another account's limit never applies", async () => {
    const limited = await limitedAccount("test", 1);
    const free = await createAccount();
    expect((await send(limited, "+14155550128")).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await send(free, "+14155550128")).status).toBe(201);
  });
});
