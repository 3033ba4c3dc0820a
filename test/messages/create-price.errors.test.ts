// Spend limits in money: a create whose estimated price would pass the
// account's daily (or monthly) limit is a 402 spend_limit_reached, decided in
// the account's gate; a create that stores nothing gives its spend back.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { failMessageInserts, messageCount } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";

const twoSegments = smsBody({ content: { text: "a".repeat(161) } });

async function setSpend(account: TestAccount, body: Record<string, unknown>) {
  const res = await api("/v1/account", { key: account.key, json: body });
  expect(res.status).toBe(200);
  return res.json<Record<string, unknown>>();
}

describe("POST /v1/messages: spend limits", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses the second 0.0158 message under a daily limit of 0.02 with a 402, storing nothing", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    expect(await setSpend(account, { spend_limits: { daily: "0.02" } })).toMatchObject({ spend_limits: { daily: "0.0200", monthly: null } });
    await createMessage(account, twoSegments);
    const refused = await api("/v1/messages", { key: account.key, json: twoSegments });
    await expectError(refused, 402, { type: "invalid_request_error", code: "spend_limit_reached" });
    expect(await messageCount(account.id)).toBe(1);
  });

  it("applies the monthly limit as well, and lets a message through once the limit is raised", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await setSpend(account, { spend_limits: { monthly: "0.0158" } });
    await createMessage(account, twoSegments);
    await expectError(await api("/v1/messages", { key: account.key, json: smsBody() }), 402, { code: "spend_limit_reached" });
    await setSpend(account, { spend_limits: { monthly: null } });
    await createMessage(account, smsBody());
    expect(await messageCount(account.id)).toBe(2);
  });

  it("counts the day's spend from before the limit was set: a limit set at noon counts the morning's messages", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await createMessage(account, twoSegments);
    await createMessage(account, twoSegments);
    // 0.0316 spent before any limit: a third 0.0158 makes 0.0474, past 0.04.
    await setSpend(account, { spend_limits: { daily: "0.04" } });
    await expectError(await api("/v1/messages", { key: account.key, json: twoSegments }), 402, { code: "spend_limit_reached" });
    expect(await messageCount(account.id)).toBe(2);
  });

  it("counts the month's spend from before an alert was added, against a monthly limit set after it", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await createMessage(account, twoSegments);
    await setSpend(account, { usage_alerts: [{ threshold: "1.00", window: "month", url: "https://hooks.example.com/usage" }] });
    await createMessage(account, twoSegments);
    // 0.0316 this month, counted once (the second message is both in the rollups and in the gate's count):
    // a limit of 0.05 takes a third 0.0158 (0.0474) and not a fourth.
    await setSpend(account, { spend_limits: { monthly: "0.05" } });
    await createMessage(account, twoSegments);
    await expectError(await api("/v1/messages", { key: account.key, json: twoSegments }), 402, { code: "spend_limit_reached" });
    expect(await messageCount(account.id)).toBe(3);
  });

  it("gives the spend back when the message could not be stored", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await setSpend(account, { spend_limits: { daily: "0.0158" } });
    failMessageInserts();
    const failed = await api("/v1/messages", { key: account.key, json: twoSegments });
    expect(failed.status).toBe(500);
    vi.restoreAllMocks();
    // Had the failed create kept its 0.0158, this one would pass the limit.
    await createMessage(account, twoSegments);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("does not count unpriced messages against a limit", async () => {
    const account = await createAccount();
    await setSpend(account, { spend_limits: { daily: "0.0001" } });
    await createMessage(account, twoSegments);
    await createMessage(account, twoSegments);
    expect(await messageCount(account.id)).toBe(2);
  });
});

describe("POST /v1/account: spend settings", () => {
  it.each([
    [{ spend_limits: { daily: "0.00001" } }, "spend_limits[daily]"],
    [{ spend_limits: { daily: -1 } }, "spend_limits[daily]"],
    [{ spend_limits: { weekly: "1" } }, "spend_limits[weekly]"],
    [{ usage_alerts: [{ threshold: "1", window: "week", url: "https://your-app.com/alerts" }] }, "usage_alerts[0][window]"],
    [{ usage_alerts: [{ threshold: "1", window: "day", url: "ftp://your-app.com/alerts" }] }, "usage_alerts[0][url]"],
  ])("refuses %j naming %s", async (body, param) => {
    const account = await createAccount();
    await expectError(await api("/v1/account", { key: account.key, json: body }), 400, { param });
  });
});
