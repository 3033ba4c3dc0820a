// The bad-input corpus's table for /v1/webhook_endpoints: malformed creates and
// updates, unknown event types, unsafe URLs, bad ids, cursors and filters.
// Listed in CORPUS (corpus.ts).
import type { BadRequest, Body, Expected } from "./bad-request.ts";

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });
const URL = "https://hooks.your-app.com/omniflow";
const ID = "we_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";
const BASE = "/v1/webhook_endpoints";

const post = (path: string, name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST ${path}: ${name}`,
  method: "POST",
  path,
  body,
  ...expected,
});
const create = (name: string, body: Body, expected: Expected) => post(BASE, name, body, expected);
const get = (path: string, name: string, expected: Expected): BadRequest => ({ name: `GET ${path}: ${name}`, method: "GET", path, ...expected });

export const WEBHOOK_ENDPOINT_CORPUS: BadRequest[] = [
  create("no url", { json: { enabled_events: ["*"] } }, invalid("url")),
  create("no enabled_events", { json: { url: URL } }, invalid("enabled_events")),
  create("an empty form", { form: "" }, invalid("url")),
  create("url as a number", { json: { url: 42, enabled_events: ["*"] } }, invalid("url")),
  create("an empty url", { json: { url: "", enabled_events: ["*"] } }, invalid("url")),
  create("a huge url", { json: { url: `${URL}/${"a".repeat(3000)}`, enabled_events: ["*"] } }, invalid("url")),
  create("a javascript: url", { json: { url: "javascript:alert(1)", enabled_events: ["*"] } }, invalid("url")),
  create("a file: url", { json: { url: "file:///etc/passwd", enabled_events: ["*"] } }, invalid("url")),
  create("a url with credentials", { json: { url: "https://user:pass@hooks.your-app.com/x", enabled_events: ["*"] } }, invalid("url")),
  create("enabled_events as a string", { json: { url: URL, enabled_events: "message.failed" } }, invalid("enabled_events")),
  create("an empty enabled_events", { json: { url: URL, enabled_events: [] } }, invalid("enabled_events")),
  create("an unknown event type", { json: { url: URL, enabled_events: ["message.exploded"] } }, invalid("enabled_events[0]")),
  create("a wildcard pattern", { json: { url: URL, enabled_events: ["message.*"] } }, invalid("enabled_events[0]")),
  create("endpoint.test", { json: { url: URL, enabled_events: ["endpoint.test"] } }, invalid("enabled_events[0]")),
  create("an injection as a type", { json: { url: URL, enabled_events: ["' OR 1=1 --"] } }, invalid("enabled_events[0]")),
  create("a number as a type", { json: { url: URL, enabled_events: [1] } }, invalid("enabled_events[0]")),
  create("a null type", { json: { url: URL, enabled_events: [null] } }, invalid("enabled_events[0]")),
  create("a huge description", { json: { url: URL, enabled_events: ["*"], description: "d".repeat(501) } }, invalid("description")),
  create("metadata as a list", { json: { url: URL, enabled_events: ["*"], metadata: ["a"] } }, invalid("metadata")),
  create("a metadata value as an object", { json: { url: URL, enabled_events: ["*"], metadata: { a: { b: "c" } } } }, invalid("metadata[a]")),
  create(
    "21 metadata keys",
    { json: { url: URL, enabled_events: ["*"], metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) } },
    invalid("metadata"),
  ),
  create("a secret given", { json: { url: URL, enabled_events: ["*"], secret: "whsec_mine" } }, invalid("secret", "parameter_unknown")),
  create("disabled on create", { json: { url: URL, enabled_events: ["*"], disabled: true } }, invalid("disabled", "parameter_unknown")),
  create("truncated JSON", { raw: '{"url":', contentType: "application/json" }, { status: 400, code: "invalid_json" }),
  post(`${BASE}/${ID}`, "disabled as a string", { json: { disabled: "yes" } }, invalid("disabled")),
  post(`${BASE}/${ID}`, "an unknown event type", { json: { enabled_events: ["sms.sent"] } }, invalid("enabled_events[0]")),
  post(`${BASE}/${ID}`, "an unknown field", { json: { status: "enabled" } }, invalid("status", "parameter_unknown")),
  post(`${BASE}/not-an-id`, "a malformed id", { json: { description: "x" } }, { status: 404, code: "resource_missing" }),
  get(`${BASE}/${"a".repeat(65)}`, "a too long id", invalid("id")),
  get(`${BASE}?limit=0`, "limit 0", invalid("limit")),
  get(`${BASE}?cursor=not-a-cursor`, "a bad cursor", invalid("cursor")),
  get(`${BASE}?status=enabled`, "an unknown filter", invalid("status", "parameter_unknown")),
  get(`${BASE}/${ID}/deliveries?outcome=lost`, "an unknown outcome", invalid("outcome")),
  get(`${BASE}/${ID}/deliveries?cursor=%00`, "a control character cursor", invalid("cursor")),
  { name: `PUT ${BASE}`, method: "PUT", path: BASE, status: 405, code: "method_not_allowed" },
];
