// Where an account may send SMS and WhatsApp messages: countries (allowed by
// default, except the high-risk list below) and number types that cost the
// sender a premium or route through international networks (refused unless
// the operator allowed them for the account). Against SMS pumping: bots that
// request one-time codes to numbers whose operator shares the termination fee.
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import type { Channel } from "./address.ts";
import type { Problem } from "./result.ts";

export const GEO_SETTINGS = ["allowed", "blocked"] as const;
export type GeoSetting = (typeof GEO_SETTINGS)[number];
/** An account's settings that differ from the defaults, by ISO 3166-1 alpha-2 code. */
export type GeoOverrides = Record<string, GeoSetting>;

/**
 * Blocked until the account allows them. Destinations named again and again
 * in SMS-pumping and IRSF advisories (Twilio's Geo Permissions "risky country"
 * acknowledgement, AWS End User Messaging country rules, Braze's "High Fraud
 * Risk" tags): small networks with high termination rates, where a premium
 * share of each message's fee is paid out. A judgment from those public
 * lists, not a copy of any one of them; see docs/api-guide.md, "Country permissions".
 */
const HIGH_RISK_COUNTRIES: readonly string[] = [
  "AZ", // Azerbaijan
  "CK", // Cook Islands
  "CU", // Cuba
  "GN", // Guinea
  "GW", // Guinea-Bissau
  "KI", // Kiribati
  "KM", // Comoros
  "MR", // Mauritania
  "NR", // Nauru
  "NU", // Niue
  "SB", // Solomon Islands
  "SH", // Saint Helena
  "SL", // Sierra Leone
  "SO", // Somalia
  "TD", // Chad
  "TK", // Tokelau
  "TV", // Tuvalu
  "VU", // Vanuatu
];

/** Number types refused by default; the operator may allow them per account. */
export const BLOCKABLE_NUMBER_TYPES = ["premium_rate", "shared_cost", "international_network"] as const;
export type BlockableNumberType = (typeof BLOCKABLE_NUMBER_TYPES)[number];

/** +881 (global mobile satellite), +882 and +883 (international networks): no country's regulator caps their fees. */
const INTERNATIONAL_NETWORK_CODES = new Set(["881", "882", "883"]);

const COUNTRY_CODES: readonly string[] = getCountries();
const KNOWN_COUNTRIES = new Set(COUNTRY_CODES);
const highRisk = new Set(HIGH_RISK_COUNTRIES);
const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

function isCountryCode(code: string): boolean {
  return KNOWN_COUNTRIES.has(code);
}

interface GeoPolicy {
  geoPermissions: GeoOverrides | null;
  allowedNumberTypes: BlockableNumberType[] | null;
}

function isCountryAllowed(policy: Pick<GeoPolicy, "geoPermissions">, country: string): boolean {
  const setting = policy.geoPermissions?.[country] ?? (highRisk.has(country) ? "blocked" : "allowed");
  return setting === "allowed";
}

/** Every country with its setting for this account, in order of code. */
export function geoCountries(policy: Pick<GeoPolicy, "geoPermissions">) {
  return COUNTRY_CODES.map((code) => ({
    country: code,
    name: countryNames.of(code) ?? code,
    calling_code: `+${getCountryCallingCode(code as Parameters<typeof getCountryCallingCode>[0])}`,
    allowed: isCountryAllowed(policy, code),
    high_risk: highRisk.has(code),
  }));
}

/**
 * The stored overrides after applying `changes`: a country set back to its
 * default is dropped (null), so a later change of the defaults reaches it.
 */
export function overridePatch(changes: GeoOverrides): Record<string, GeoSetting | null> {
  return Object.fromEntries(Object.entries(changes).map(([code, setting]) => [code, (setting === "blocked") === highRisk.has(code) ? null : setting]));
}

function numberType(e164: string): BlockableNumberType | null {
  const number = parsePhoneNumberFromString(e164);
  if (!number) return null;
  if (INTERNATIONAL_NETWORK_CODES.has(number.countryCallingCode)) return "international_network";
  const type = number.getType();
  if (type === "PREMIUM_RATE") return "premium_rate";
  if (type === "SHARED_COST") return "shared_cost";
  return null;
}

/** Why the account may not send to this recipient, or null. Email has no country. */
export function destinationProblem(policy: GeoPolicy, channel: Channel, to: string): Problem | null {
  if (channel === "email") return null;
  const type = numberType(to);
  if (type && !policy.allowedNumberTypes?.includes(type)) {
    return {
      param: "to",
      code: "destination_number_type_blocked",
      message: `${to} is a ${type.replace("_", " ")} number, which this account may not message. Contact support if your business needs it.`,
    };
  }
  const country = parsePhoneNumberFromString(to)?.country;
  if (country && !isCountryAllowed(policy, country)) {
    const why = highRisk.has(country) ? "a high-risk destination, blocked until you allow it" : "blocked in your geo permissions";
    return {
      param: "to",
      code: "destination_country_blocked",
      message: `Messages to ${countryNames.of(country) ?? country} (${country}) are ${why}. Allow it with POST /v1/geo_permissions (countries[${country}]=allowed).`,
    };
  }
  return null;
}

/** The body of POST /v1/geo_permissions: `countries[NG]=allowed`, or JSON `{ "countries": { "NG": "allowed" } }`. */
export const updateGeoPermissionsSchema = z.strictObject({
  countries: z
    .record(
      z.string().refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code in upper case (e.g. NG), as GET /v1/geo_permissions lists them"),
      z.enum(GEO_SETTINGS, { error: "must be allowed or blocked" }),
    )
    .refine((countries) => Object.keys(countries).length > 0, "name at least one country, e.g. countries[NG]=allowed")
    .meta({ description: "Country codes (ISO 3166-1 alpha-2) with allowed or blocked", example: { NG: "allowed", RU: "blocked" } }),
});

/** The account's number types as the API shows them: each allowed (by the operator) or blocked. */
export function numberTypeSettings(policy: Pick<GeoPolicy, "allowedNumberTypes">): Record<BlockableNumberType, GeoSetting> {
  const allowed = new Set(policy.allowedNumberTypes ?? []);
  return Object.fromEntries(BLOCKABLE_NUMBER_TYPES.map((type) => [type, allowed.has(type) ? "allowed" : "blocked"])) as Record<BlockableNumberType, GeoSetting>;
}
