// GET /v1/usage: the account's messages counted and priced per group, from
// rollups kept as the messages change; exact against the messages' own
// prices, summed here apart from src/ (sumPrices).
import { describe, expect, it } from "vitest";
import { createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { flushProjection } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { setAccountRate, sumPrices } from "../support/rates.ts";

interface Listed {
  id: string;
  channel: string;
  to: string;
  segments: number | null;
  price: string | null;
  price_unit: string | null;
  status: string;
}

async function usage(account: TestAccount, query = "") {
  const res = await api(`/v1/usage${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return (await res.json<{ object: string; data: Record<string, unknown>[] }>()).data;
}

/** A card and a mix of messages over channels, countries and segment counts. */
async function sendMix(account: TestAccount): Promise<void> {
  await seedExample(account);
  await setAccountRate(account, "sms", "US", "0.0079");
  await setAccountRate(account, "sms", "*", "0.0450");
  await setAccountRate(account, "email", "*", "0.0009");
  await createMessage(account, smsBody({ content: { text: "a".repeat(161) } }));
  await createMessage(account, smsBody({ content: { text: "a".repeat(161) } }));
  await createMessage(account, smsBody({ to: "+447400123456", content: { text: "Ж".repeat(71) } }));
  await createMessage(account, smsBody({ to: "+447400123456" }));
  await createMessage(account, { channel: "EMAIL", to: "ana@example.com", content: { subject: "Hi", text: "Hello" } });
  // No WhatsApp rate: counted, unpriced.
  await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { text: "Hi" } });
}

const COUNTRY: Record<string, string> = { "+1": "US", "+44": "GB", "+91": "IN" };
const countryOf = (message: Listed) => (message.channel === "email" ? null : COUNTRY[Object.keys(COUNTRY).find((code) => message.to.startsWith(code))!]!);

/** The messages grouped by channel and country, summed from the message list. */
function expectedByChannelCountry(messages: Listed[]) {
  const groups = new Map<string, Listed[]>();
  for (const message of messages) {
    const key = JSON.stringify([message.channel, countryOf(message), message.price_unit]);
    groups.set(key, [...(groups.get(key) ?? []), message]);
  }
  return [...groups].map(([key, members]) => {
    const [channel, country, unit] = JSON.parse(key) as [string, string | null, string | null];
    return {
      channel,
      country,
      count: members.length,
      segments: members.reduce((sum, message) => sum + (message.segments ?? 0), 0),
      price: sumPrices(members.map((message) => message.price ?? "0")),
      price_unit: unit,
    };
  });
}

describe("GET /v1/usage", () => {
  it("matches the sum of the messages' prices exactly, grouped by channel and country, across the account's databases", async () => {
    const account = await createAccount("test", { placement: { home: 1, write: [0, 1], read: [0, 1] } });
    await sendMix(account);
    const messages = await listAll<Listed>("/v1/messages", account.key, 100);
    const grouped = await usage(account, "?group_by=channel,country");
    expect(grouped).toHaveLength(4);
    expect(grouped).toEqual(expect.arrayContaining(expectedByChannelCountry(messages)));
    expect(grouped).toContainEqual({ channel: "sms", country: "US", count: 2, segments: 4, price: "0.0316", price_unit: "USD" });
  });

  it("gives one total per currency without group_by, equal to the messages' sum", async () => {
    const account = await createAccount();
    await sendMix(account);
    const messages = await listAll<Listed>("/v1/messages", account.key, 100);
    const priced = messages.filter((message) => message.price_unit === "USD");
    const totals = await usage(account);
    expect(totals).toContainEqual({ count: priced.length, segments: 7, price: sumPrices(priced.map((message) => message.price!)), price_unit: "USD" });
    expect(totals).toContainEqual({ count: 1, segments: 0, price: "0.0000", price_unit: null });
  });

  it("follows the messages' status and final price as they are handed off", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const first = await createMessage(account, smsBody({ content: { text: "a".repeat(161) } }));
    // Handed off by hand (not waiting for the shared Queue), its object's view written to its row.
    await runConsumer([first.id]);
    await flushProjection(first.id);
    const [moved, ...others] = await usage(account, "?group_by=status");
    expect(others).toEqual([]);
    expect(moved).toEqual({ status: expect.stringMatching(/^(sent|delivered)$/), count: 1, segments: 2, price: "0.0158", price_unit: "USD" });
  });

  it("groups by day, month and API key, and counts only the period asked", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    await createMessage(account, smsBody());
    const today = new Date().toISOString().slice(0, 10);
    const [row] = await usage(account, "?group_by=day,api_key");
    expect(row).toMatchObject({ day: today, api_key: expect.stringMatching(/^key_/), count: 1, price: "0.0079" });
    expect(await usage(account, "?group_by=month")).toEqual([{ month: today.slice(0, 7), count: 1, segments: 1, price: "0.0079", price_unit: "USD" }]);
    expect(await usage(account, "?start=2020-01-01&end=2020-01-31")).toEqual([]);
  });

  it("groups by a metadata key, the messages without it under null, summing to the total", async () => {
    const account = await createAccount("test", { placement: { home: 1, write: [0, 1], read: [0, 1] } });
    await setAccountRate(account, "sms", "US", "0.0079");
    await createMessage(account, smsBody({ content: { text: "a".repeat(161) }, metadata: { team: "growth" } }));
    await createMessage(account, smsBody({ metadata: { team: "growth", order: "A1" } }));
    await createMessage(account, smsBody({ metadata: { team: "ops" } }));
    await createMessage(account, smsBody({ metadata: { order: "A2" } }));
    const grouped = await usage(account, "?group_by=metadata[team],channel");
    expect(grouped).toHaveLength(3);
    expect(grouped).toEqual(
      expect.arrayContaining([
        { channel: "sms", metadata: { team: "growth" }, count: 2, segments: 3, price: "0.0237", price_unit: "USD" },
        { channel: "sms", metadata: { team: "ops" }, count: 1, segments: 1, price: "0.0079", price_unit: "USD" },
        { channel: "sms", metadata: { team: null }, count: 1, segments: 1, price: "0.0079", price_unit: "USD" },
      ]),
    );
    const messages = await listAll<Listed>("/v1/messages", account.key, 100);
    expect(sumPrices(grouped.map((group) => group.price as string))).toBe(sumPrices(messages.map((message) => message.price!)));
  });
});
