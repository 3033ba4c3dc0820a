// `npm run rates`: the rate card's lines checked and written as the script
// writes them (src/services/rates.ts, on the test control database), only
// for accounts' overrides here: the default card is every test account's.
import { describe, expect, it } from "vitest";
import exampleCard from "../../scripts/operator/rates.example.csv?raw";
import { csvRates, setRates } from "../../src/services/rates.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

const control = () => ({ db: db(), tellGate: async () => {} });

describe("npm run rates", () => {
  it("sets an account's override (by the account's name) that its creates are priced by", async () => {
    const account = await createAccount(); // test accounts are named by their id
    const set = await setRates(control(), account.id, [{ channel: "SMS", country: "us", price: "0.0079" }]);
    expect(set).toMatchObject({ ok: true, value: [{ kind: "sms", country: "US", category: "", price: 79, currency: "USD" }] });
    const preview = await api("/v1/messages/preview", { key: account.key, json: smsBody() });
    expect(await preview.json()).toMatchObject({ price: "0.0079", price_unit: "USD" });
    expect(await setRates(control(), "no-such-account", [])).toMatchObject({ ok: false, problem: { message: "no account named 'no-such-account'" } });
  });

  it("refuses a line it cannot price by, naming the line", async () => {
    const bad = [
      [{ channel: "fax", price: "1" }, /channel/],
      [{ channel: "sms", country: "USA", price: "1" }, /country/],
      [{ channel: "whatsapp", price: "1" }, /category/],
      [{ channel: "sms", category: "marketing", price: "1" }, /category/],
      [{ channel: "sms", price: "0.00001" }, /price/],
      [{ channel: "sms", price: "1", currency: "dollars" }, /currency/],
    ] as const;
    for (const [input, message] of bad) {
      const result = await setRates(control(), undefined, [{ channel: "sms", price: "1" }, input]);
      expect(result).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/^line 2: /) } });
      expect(result.ok || result.problem.message).toMatch(message);
    }
  });

  it("reads the shipped example card, which says it is an example", () => {
    expect(exampleCard).toMatch(/^# EXAMPLE/);
    const rows = csvRates(exampleCard);
    expect(rows).toMatchObject({ ok: true });
    expect(rows.ok && rows.value).toContainEqual({ channel: "sms", country: "US", category: undefined, price: "0.0079", currency: "USD" });
  });

  it("keeps one currency per card", async () => {
    const account = await createAccount();
    const name = account.id;
    expect(await setRates(control(), name, [{ channel: "sms", country: "US", price: "0.0079", currency: "USD" }])).toMatchObject({ ok: true });
    expect(await setRates(control(), name, [{ channel: "sms", country: "GB", price: "0.0400", currency: "EUR" }])).toMatchObject({
      ok: false,
      problem: { param: "currency" },
    });
    const preview = await api("/v1/messages/preview", { key: account.key, json: smsBody() });
    expect(await preview.json()).toMatchObject({ price: "0.0079", price_unit: "USD" });
  });
});
