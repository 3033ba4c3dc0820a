// A create to a blocked country or number type is refused before anything is
// stored, with test keys as with live ones; allowing the country lets it through.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { changedNumberTypes } from "../../scripts/operator/number-types.ts";
import { workerControl } from "../../src/services/control.ts";
import { changeOperatorSettings, findAccountNamed } from "../../src/services/operator.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";
import { NUMBERS, setCountries } from "./geo-permissions.fixture.ts";

const send = (account: TestAccount, to: string, channel = "SMS") => api("/v1/messages", { key: account.key, json: smsBody({ channel, to }) });

async function expectRefused(account: TestAccount, to: string, code: string, channel = "SMS") {
  const before = await messageCount(account.id);
  await expectError(await send(account, to, channel), 400, { type: "invalid_request_error", code, param: "to" });
  expect(await messageCount(account.id)).toBe(before);
}

/**
 * As `npm run keys -- number-types --allow ...` writes it, through the
 * operator's service; here the Worker's gate notice stands in for the gate's
 * 10 s reload, which a script waits for.
 */
async function operatorAllows(account: TestAccount, types: string) {
  const control = workerControl(env);
  const found = await findAccountNamed(control, account.id);
  if (!found.ok) throw new Error(found.problem.message);
  await changeOperatorSettings(control, found.value, { allowedNumberTypes: changedNumberTypes([], types) });
}

describe("countries", () => {
  it("refuses a high-risk country by SMS and WhatsApp until the account allows it", async () => {
    const account = await createAccount();
    await expectRefused(account, NUMBERS.somalia, "destination_country_blocked");
    await expectRefused(account, NUMBERS.somalia, "destination_country_blocked", "WHATSAPP");
    await setCountries(account, { SO: "allowed" });
    expect((await send(account, NUMBERS.somalia)).status).toBe(201);
    expect((await send(account, NUMBERS.somalia, "WHATSAPP")).status).toBe(201);
    expect(await messageCount(account.id)).toBe(2);
  });

  it("refuses a country the account blocked, and sends to it again once allowed", async () => {
    const account = await createAccount();
    expect((await send(account, NUMBERS.nigeria)).status).toBe(201);
    await setCountries(account, { NG: "blocked" });
    await expectRefused(account, NUMBERS.nigeria, "destination_country_blocked");
    expect((await send(account, NUMBERS.us)).status).toBe(201);
    await setCountries(account, { NG: "allowed" });
    expect((await send(account, NUMBERS.nigeria)).status).toBe(201);
  });

  it("applies the same rules to live keys", async () => {
    const account = await createAccount("live");
    await bindSender(account, "sms");
    await expectRefused(account, NUMBERS.somalia, "destination_country_blocked");
    await expectRefused(account, NUMBERS.usPremiumRate, "destination_number_type_blocked");
  });

  it("names the country and how to allow it", async () => {
    const account = await createAccount();
    const error = await expectError(await send(account, NUMBERS.somalia), 400, { code: "destination_country_blocked" });
    expect(error.message).toContain("Somalia");
    expect(error.message).toContain("countries[SO]=allowed");
  });

  it("does not apply to email", async () => {
    const account = await createAccount();
    await setCountries(account, { US: "blocked" });
    const res = await api("/v1/messages", {
      key: account.key,
      json: { channel: "EMAIL", to: "ana@example.com", content: { subject: "Hi", text: "Hello" } },
    });
    expect(res.status).toBe(201);
  });
});

describe("number types", () => {
  it.each([
    ["a US premium-rate number (+1 900)", NUMBERS.usPremiumRate],
    ["a UK premium-rate number (+44 90)", NUMBERS.ukPremiumRate],
    ["a French shared-cost number (+33 810)", NUMBERS.franceSharedCost],
    ["a satellite number (+881)", NUMBERS.satellite],
    ["an international network number (+882)", NUMBERS.internationalNetwork],
    ["an international network number (+883)", NUMBERS.internationalNetwork883],
  ])("refuses %s by default, even with every country allowed", async (_name, to) => {
    const account = await createAccount();
    await setCountries(account, { US: "allowed", GB: "allowed", FR: "allowed" });
    await expectRefused(account, to, "destination_number_type_blocked");
  });

  it("sends to a type once the operator allowed it for the account, and to no other", async () => {
    const account = await createAccount();
    await operatorAllows(account, "premium_rate,international_network");
    expect((await send(account, NUMBERS.usPremiumRate)).status).toBe(201);
    expect((await send(account, NUMBERS.satellite)).status).toBe(201);
    await expectRefused(account, NUMBERS.franceSharedCost, "destination_number_type_blocked");
    const res = await api("/v1/geo_permissions", { key: account.key });
    expect((await res.json<{ number_types: unknown }>()).number_types).toEqual({
      premium_rate: "allowed",
      shared_cost: "blocked",
      international_network: "allowed",
    });
  });

  it("cannot be changed through the API", async () => {
    const account = await createAccount();
    const res = await api("/v1/geo_permissions", { key: account.key, json: { countries: { US: "allowed" }, number_types: { premium_rate: "allowed" } } });
    await expectError(res, 400, { code: "parameter_unknown", param: "number_types" });
    await expectRefused(account, NUMBERS.usPremiumRate, "destination_number_type_blocked");
  });
});

describe("fallback steps", () => {
  it("refuses a step to a blocked country or number type, naming the step, and stores nothing", async () => {
    const account = await createAccount();
    const withStep = (to: string) => ({ ...smsBody({ channel: "WHATSAPP", to: NUMBERS.us }), fallback: [{ channel: "SMS", to }] });
    for (const [to, code] of [
      [NUMBERS.somalia, "destination_country_blocked"],
      [NUMBERS.usPremiumRate, "destination_number_type_blocked"],
    ] as const) {
      const res = await api("/v1/messages", { key: account.key, json: withStep(to) });
      await expectError(res, 400, { code, param: "fallback[0][to]" });
    }
    expect(await messageCount(account.id)).toBe(0);
    await setCountries(account, { SO: "allowed" });
    expect((await api("/v1/messages", { key: account.key, json: withStep(NUMBERS.somalia) })).status).toBe(201);
  });
});
