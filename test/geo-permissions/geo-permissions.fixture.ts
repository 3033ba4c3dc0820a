// Shared by the geo permission tests: the account's settings through the API,
// and creates to numbers of known countries and types.
import { expect } from "vitest";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

/** Valid numbers (libphonenumber's own examples), by what they are. */
export const NUMBERS = {
  us: "+14155550123",
  nigeria: "+2348031234567",
  somalia: "+252612345678", // Somali mobile: on the high-risk list
  russia: "+79123456789",
  usPremiumRate: "+19005550123",
  ukPremiumRate: "+449098765432",
  franceSharedCost: "+33810123456",
  satellite: "+881631234567", // +881: global mobile satellite
  internationalNetwork: "+882161234567", // +882
  internationalNetwork883: "+883510012345", // +883
} as const;

export interface Country {
  country: string;
  name: string;
  calling_code: string;
  allowed: boolean;
  high_risk: boolean;
}

export async function geoPermissions(account: TestAccount): Promise<{ countries: Country[]; number_types: Record<string, string> }> {
  const res = await api("/v1/geo_permissions", { key: account.key });
  expect(res.status).toBe(200);
  return res.json();
}

export async function setCountries(account: TestAccount, countries: Record<string, string>): Promise<Response> {
  const res = await api("/v1/geo_permissions", { key: account.key, json: { countries } });
  expect(res.status).toBe(200);
  return res;
}

export const country = (list: Country[], code: string) => list.find((entry) => entry.country === code);
