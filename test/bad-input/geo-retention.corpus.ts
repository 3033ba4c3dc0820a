// The bad-input corpus's tables for country permissions, the account's
// settings (per-recipient limit, retention) and content retention: every new
// field and endpoint. Listed in CORPUS (corpus.ts).
import { smsBody } from "../support/messages.ts";

// corpus.ts's shapes, restated (it imports this file, so importing them back would be a cycle).
interface Expected {
  status: number;
  code?: string;
  param?: string;
}
type Body = { json: unknown } | { raw: string; contentType?: string } | { form: string };
interface BadRequest extends Expected {
  name: string;
  method: string;
  path: string;
  body?: Body;
}

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });
const post = (path: string, name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST ${path}: ${name}`,
  method: "POST",
  path,
  body,
  ...expected,
});

const geo = (name: string, body: Body, expected: Expected) => post("/v1/geo_permissions", name, body, expected);
const account = (name: string, body: Body, expected: Expected) => post("/v1/account", name, body, expected);
const create = (name: string, overrides: Record<string, unknown>, expected: Expected) => post("/v1/messages", name, { json: smsBody(overrides) }, expected);

const geoCases: BadRequest[] = [
  geo("no countries", { json: {} }, invalid("countries")),
  geo("an empty countries object", { json: { countries: {} } }, invalid("countries")),
  geo("an empty form", { form: "" }, invalid("countries")),
  geo("countries as a string", { json: { countries: "NG" } }, invalid("countries")),
  geo("countries as a list", { json: { countries: ["NG"] } }, invalid("countries")),
  geo("an unknown country code", { json: { countries: { XX: "allowed" } } }, invalid("countries[XX]")),
  geo("a lower-case country code", { json: { countries: { ng: "allowed" } } }, invalid("countries[ng]")),
  geo("a three-letter code", { json: { countries: { NGA: "allowed" } } }, invalid("countries[NGA]")),
  // A numeric bracket is a list index to the form parser, and countries is no list.
  geo("a calling code for a country", { form: "countries[234]=allowed" }, { status: 400, code: "invalid_form_body" }),
  geo("a bad setting", { json: { countries: { NG: "enabled" } } }, invalid("countries[NG]")),
  geo("a boolean setting", { json: { countries: { NG: true } } }, invalid("countries[NG]")),
  geo("a null setting", { json: { countries: { NG: null } } }, invalid("countries[NG]")),
  geo("a bad setting in a form", { form: "countries[NG]=yes" }, invalid("countries[NG]")),
  geo("an injection as the code", { json: { countries: { "' OR 1=1 --": "allowed" } } }, invalid("countries[' OR 1=1 --]")),
  geo(
    "number types (operator only)",
    { json: { countries: { NG: "allowed" }, number_types: { premium_rate: "allowed" } } },
    invalid("number_types", "parameter_unknown"),
  ),
  geo("an unknown field", { json: { countries: { NG: "allowed" }, allow_all: true } }, invalid("allow_all", "parameter_unknown")),
  geo("truncated JSON", { raw: '{"countries":{', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  { name: "DELETE /v1/geo_permissions", method: "DELETE", path: "/v1/geo_permissions", status: 405, code: "method_not_allowed" },
];

const accountSettingCases: BadRequest[] = [
  account("retention_days 0", { json: { retention_days: 0 } }, invalid("retention_days")),
  account("retention_days 401", { json: { retention_days: 401 } }, invalid("retention_days")),
  account("retention_days negative", { form: "retention_days=-1" }, invalid("retention_days")),
  account("retention_days a fraction", { json: { retention_days: 1.5 } }, invalid("retention_days")),
  account("retention_days text", { form: "retention_days=forever" }, invalid("retention_days")),
  account("retention_days null", { json: { retention_days: null } }, invalid("retention_days")),
  account("per_hour 0", { json: { recipient_limits: { per_hour: 0 } } }, invalid("recipient_limits[per_hour]")),
  account("per_hour above 10000", { form: "recipient_limits[per_hour]=10001" }, invalid("recipient_limits[per_hour]")),
  account("per_hour text", { json: { recipient_limits: { per_hour: "ten" } } }, invalid("recipient_limits[per_hour]")),
  account("per_hour a fraction", { form: "recipient_limits[per_hour]=2.5" }, invalid("recipient_limits[per_hour]")),
  account("recipient_limits as a number", { json: { recipient_limits: 5 } }, invalid("recipient_limits")),
  account("an unknown limit", { json: { recipient_limits: { per_hour: 5, per_day: 5 } } }, invalid("recipient_limits[per_day]", "parameter_unknown")),
  account("recipient_limits without per_hour", { json: { recipient_limits: {} } }, invalid("recipient_limits[per_hour]")),
  account("an account field that cannot change", { json: { name: "renamed" } }, invalid("name", "parameter_unknown")),
  account("the mode", { form: "mode=live" }, invalid("mode", "parameter_unknown")),
];

const retentionCases: BadRequest[] = [
  create("content_retention unknown", { content_retention: "forget" }, invalid("content_retention")),
  create("content_retention upper case", { content_retention: "DISCARD" }, invalid("content_retention")),
  create("content_retention boolean", { content_retention: true }, invalid("content_retention")),
  create("content_retention null", { content_retention: null }, invalid("content_retention")),
  post(
    "/v1/templates",
    "content_retention unknown",
    { json: { id: "corpus_otp", sms: { text: "hi" }, content_retention: "never" } },
    invalid("content_retention"),
  ),
  post("/v1/templates/corpus_existing", "content_retention unknown", { json: { content_retention: "" } }, invalid("content_retention")),
  post(`/v1/messages/msg_${"0".repeat(32)}/redact`, "an unknown message", { json: {} }, { status: 404, code: "resource_missing", param: "id" }),
  post(`/v1/messages/msg_${"a".repeat(80)}/redact`, "an id over 64 characters", { json: {} }, invalid("id")),
  post("/v1/messages/hello/redact", "not an id", { json: {} }, { status: 404, code: "resource_missing", param: "id" }),
];

// Refused destinations: valid numbers, but nothing may be stored for them.
const destinationCases: BadRequest[] = [
  create("a high-risk country (Somalia)", { to: "+252612345678" }, invalid("to", "destination_country_blocked")),
  create("a high-risk country by WhatsApp", { channel: "WHATSAPP", to: "+252612345678" }, invalid("to", "destination_country_blocked")),
  create("a premium-rate number", { to: "+19005550123" }, invalid("to", "destination_number_type_blocked")),
  create("a shared-cost number", { to: "+33810123456" }, invalid("to", "destination_number_type_blocked")),
  create("a +881 satellite number", { to: "+881631234567" }, invalid("to", "destination_number_type_blocked")),
  create("a +882 number", { to: "+882161234567" }, invalid("to", "destination_number_type_blocked")),
  create("a +883 number", { to: "+883510012345" }, invalid("to", "destination_number_type_blocked")),
];

export const GEO_RETENTION_CORPUS: BadRequest[] = [...geoCases, ...accountSettingCases, ...retentionCases, ...destinationCases];
