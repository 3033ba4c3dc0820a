// GET and POST /v1/geo_permissions: every country with its calling code, the
// high-risk ones blocked until allowed, changes by JSON or form body.
import { describe, expect, it } from "vitest";
import apiGuide from "../../docs/api-guide.md?raw";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { country, geoPermissions, setCountries } from "./geo-permissions.fixture.ts";

describe("GET /v1/geo_permissions", () => {
  it("lists every country once, with its name, calling code and default setting", async () => {
    const { countries, number_types } = await geoPermissions(await createAccount());
    // ISO 3166-1 has 249 codes; libphonenumber numbers 245 regions (no AQ, BV, HM, TF, UM; plus AC, TA, XK).
    expect(countries.length).toBeGreaterThan(240);
    expect(new Set(countries.map((entry) => entry.country)).size).toBe(countries.length);
    expect(countries.map((entry) => entry.country)).toEqual([...countries.map((entry) => entry.country)].sort());
    // The ITU's calling codes (E.164 assignments) and names.
    expect(country(countries, "NG")).toEqual({ country: "NG", name: "Nigeria", calling_code: "+234", allowed: true, high_risk: false });
    expect(country(countries, "US")).toEqual({ country: "US", name: "United States", calling_code: "+1", allowed: true, high_risk: false });
    expect(country(countries, "GB")).toMatchObject({ calling_code: "+44", allowed: true });
    expect(country(countries, "SO")).toEqual({ country: "SO", name: "Somalia", calling_code: "+252", allowed: false, high_risk: true });
    expect(country(countries, "TV")).toMatchObject({ calling_code: "+688", allowed: false, high_risk: true });
    // Every high-risk country starts blocked, and only those.
    for (const entry of countries) expect(entry.allowed).toBe(!entry.high_risk);
    expect(number_types).toEqual({ premium_rate: "blocked", shared_cost: "blocked", international_network: "blocked" });
  });
});

// The documented high-risk list (docs/api-guide.md, "Country permissions", Defaults), written out here, not
// imported: a country dropped from (or added to) the list in src must fail this test.
const DOCUMENTED_HIGH_RISK = ["AZ", "CK", "CU", "GN", "GW", "KI", "KM", "MR", "NR", "NU", "SB", "SH", "SL", "SO", "TD", "TK", "TV", "VU"];

describe("the default high-risk list", () => {
  it("is exactly the documented eighteen countries, each blocked until allowed", async () => {
    const { countries } = await geoPermissions(await createAccount());
    const highRisk = countries.filter((entry) => entry.high_risk);
    expect(highRisk.map((entry) => entry.country)).toEqual(DOCUMENTED_HIGH_RISK);
    expect(highRisk.every((entry) => !entry.allowed)).toBe(true);
  });

  it("is the list the docs give, country by country", () => {
    const defaults = apiGuide.slice(apiGuide.indexOf("**Defaults**"), apiGuide.indexOf("**Number types**"));
    expect([...defaults.matchAll(/\(([A-Z]{2})\)/g)].map((match) => match[1])).toEqual(DOCUMENTED_HIGH_RISK);
  });
});

describe("POST /v1/geo_permissions", () => {
  it("allows a high-risk country and blocks another, leaving the rest as they were", async () => {
    const account = await createAccount();
    const res = await setCountries(account, { SO: "allowed", RU: "blocked" });
    const { countries } = await res.json<{ countries: Parameters<typeof country>[0] }>();
    expect(country(countries, "SO")).toMatchObject({ allowed: true, high_risk: true });
    expect(country(countries, "RU")).toMatchObject({ allowed: false, high_risk: false });
    expect(country(countries, "TV")).toMatchObject({ allowed: false });
    expect(country(countries, "NG")).toMatchObject({ allowed: true });
    // The change is stored: a later GET (and a later change of another country) keeps it.
    await setCountries(account, { NG: "blocked" });
    const after = (await geoPermissions(account)).countries;
    expect([country(after, "SO")?.allowed, country(after, "RU")?.allowed, country(after, "NG")?.allowed]).toEqual([true, false, false]);
  });

  it("takes the form body countries[NG]=blocked as the JSON one", async () => {
    const account = await createAccount();
    const res = await api("/v1/geo_permissions", { key: account.key, form: "countries[NG]=blocked&countries[SO]=allowed" });
    expect(res.status).toBe(200);
    const { countries } = await geoPermissions(account);
    expect([country(countries, "NG")?.allowed, country(countries, "SO")?.allowed]).toEqual([false, true]);
  });

  it("sets a country back to its default", async () => {
    const account = await createAccount();
    await setCountries(account, { SO: "allowed", NG: "blocked" });
    await setCountries(account, { SO: "blocked", NG: "allowed" });
    const { countries } = await geoPermissions(account);
    for (const entry of countries) expect(entry.allowed).toBe(!entry.high_risk);
  });
});
