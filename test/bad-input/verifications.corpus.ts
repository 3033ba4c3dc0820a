// The bad-input corpus's table for the Verify API: every route of it. Listed
// in CORPUS (corpus.ts).

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
const notFound: Expected = { status: 404, code: "resource_missing" };
const request = (method: string, path: string, name: string, expected: Expected, body?: Body): BadRequest => ({
  name: `${method} ${path}: ${name}`,
  method,
  path,
  ...(body ? { body } : {}),
  ...expected,
});
// A well-formed id that names no verification of the account.
const UNKNOWN = "vrf_019ec8f3a1b27c3d8e9f0a1b2c3d0000";
const create = (name: string, json: unknown, expected: Expected) => request("POST", "/v1/verifications", name, expected, { json });
const to = "+14155550123";

export const VERIFICATION_CORPUS: BadRequest[] = [
  create("no to", {}, invalid("to")),
  create("to as a number", { to: 14155550123 }, invalid("to")),
  create("an empty to", { to: "" }, invalid("to")),
  create("a short phone number", { to: "+1415" }, invalid("to")),
  create("an injection as to", { to: "' OR 1=1 --" }, invalid("to")),
  create("no channels", { to, channels: [] }, invalid("channels")),
  create("channels as a string", { to, channels: "SMS" }, invalid("channels")),
  create("an unknown channel", { to, channels: ["FAX"] }, invalid("channels[0]")),
  create("a channel twice", { to, channels: ["SMS", "sms"] }, invalid("channels")),
  create("four channels", { to, channels: ["SMS", "WHATSAPP", "EMAIL", "SMS"] }, invalid("channels")),
  create("channel and channels", { to, channel: "SMS", channels: ["SMS"] }, invalid("channel")),
  create("email with a phone to and no email_to", { to, channel: "EMAIL" }, invalid("to")),
  create("a bad email_to", { to, channels: ["SMS", "EMAIL"], email_to: "not-an-address" }, invalid("email_to")),
  create("a code length as words", { to, code_length: "six" }, invalid("code_length")),
  create("a fractional code length", { to, code_length: 4.5 }, invalid("code_length")),
  create("a code length of 3", { to, code_length: 3 }, invalid("code_length")),
  create("a code length of 11", { to, code_length: 11 }, invalid("code_length")),
  create("expires_in of 59", { to, expires_in: 59 }, invalid("expires_in")),
  create("expires_in of 3601", { to, expires_in: 3601 }, invalid("expires_in")),
  create("a negative expires_in", { to, expires_in: -600 }, invalid("expires_in")),
  create("channel_timeout of 14", { to, channels: ["WHATSAPP", "SMS"], channel_timeout: 14 }, invalid("channel_timeout")),
  create("channel_timeout of 901", { to, channels: ["WHATSAPP", "SMS"], channel_timeout: 901 }, invalid("channel_timeout")),
  create("an unknown locale", { to, locale: "xx" }, invalid("locale")),
  create("an upper-case locale", { to, locale: "EN" }, invalid("locale")),
  create("an app name with a line break", { to, app_name: "Acme\nBank" }, invalid("app_name")),
  create("an app name over 64 characters", { to, app_name: "a".repeat(65) }, invalid("app_name")),
  create("an empty app name", { to, app_name: "" }, invalid("app_name")),
  create("a malformed template id", { to, template_id: "Bad-ID" }, invalid("template_id")),
  create("an unknown template", { to, template_id: "no_such_template" }, { status: 400, code: "resource_missing", param: "template_id" }),
  create("a javascript: status_callback", { to, status_callback: "javascript:alert(1)" }, invalid("status_callback")),
  create("a code of the caller's own", { to, code: "123456" }, invalid("code", "parameter_unknown")),
  create("an unknown field", { to, priority: "high" }, invalid("priority", "parameter_unknown")),
  request("POST", "/v1/verifications", "a form with a bad code length", invalid("code_length"), { form: "to=%2B14155550123&code_length=1e1" }),
  request("POST", "/v1/verifications", "truncated JSON", { status: 400, code: "invalid_json" }, { raw: '{"to":"+1', contentType: "application/json" }),
  request("POST", `/v1/verifications/${UNKNOWN}/check`, "no code", invalid("code"), { json: {} }),
  request("POST", `/v1/verifications/${UNKNOWN}/check`, "letters as the code", invalid("code"), { json: { code: "12ab56" } }),
  request("POST", `/v1/verifications/${UNKNOWN}/check`, "a code of 11 digits", invalid("code"), { json: { code: "12345678901" } }),
  request("POST", `/v1/verifications/${UNKNOWN}/check`, "a code as an object", invalid("code"), { json: { code: { $ne: "" } } }),
  request("POST", `/v1/verifications/${UNKNOWN}/check`, "an unknown verification", notFound, { json: { code: "123456" } }),
  request("POST", "/v1/verifications/vrf_nope/check", "a malformed id", notFound, { json: { code: "123456" } }),
  request("POST", "/v1/verification_checks", "no to", invalid("to"), { json: { code: "123456" } }),
  request("POST", "/v1/verification_checks", "a bad to", invalid("to"), { json: { to: "+1415", code: "123456" } }),
  request(
    "POST",
    "/v1/verification_checks",
    "no pending verification",
    { status: 404, code: "resource_missing", param: "to" },
    { json: { to, code: "123456" } },
  ),
  request("POST", `/v1/verifications/${UNKNOWN}/resend`, "an unknown channel", invalid("channel"), { json: { channel: "FAX" } }),
  request("POST", `/v1/verifications/${UNKNOWN}/resend`, "an unknown verification", notFound, { json: {} }),
  request("POST", `/v1/verifications/${UNKNOWN}/cancel`, "an unknown verification", notFound),
  request("GET", `/v1/verifications/${UNKNOWN}`, "an unknown verification", notFound),
  request("GET", "/v1/verifications?limit=0", "a limit of 0", invalid("limit")),
  request("GET", "/v1/verifications?status=sent", "a message status", invalid("status")),
  request("GET", "/v1/verifications?to=nobody", "a bad to", invalid("to")),
  request("GET", "/v1/verifications?cursor=abc", "a bad cursor", invalid("cursor")),
  request("GET", `/v1/test_helpers/verifications/${UNKNOWN}/code`, "an unknown verification", notFound),
  request("DELETE", `/v1/verifications/${UNKNOWN}`, "a delete", { status: 405, code: "method_not_allowed" }),
];
