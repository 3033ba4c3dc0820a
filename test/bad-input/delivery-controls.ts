// The bad-input corpus's table for the delivery-control fields of POST /v1/messages
// (fallback, fallback_after, validity_period, send_at) and for
// POST /v1/messages/:id/cancel, in JSON and form bodies. Listed in CORPUS.
import { smsBody } from "../support/messages.ts";
import type { BadRequest, Body } from "./bad-request.ts";

const create = (name: string, body: Body, param: string, code = "parameter_invalid"): BadRequest => ({
  name: `POST /v1/messages: ${name}`,
  method: "POST",
  path: "/v1/messages",
  body,
  status: 400,
  code,
  param,
});
const withFields = (fields: Record<string, unknown>) => ({ json: smsBody(fields) });
const form = (extra: string) => ({ form: `channel=SMS&to=%2B14155550123&content[text]=hi&${extra}` });
const now = Math.floor(Date.now() / 1000);

const fallbackCases: BadRequest[] = [
  ...["sms", 1, null, {}].map((value) => create(`fallback ${JSON.stringify(value)}`, withFields({ fallback: value }), "fallback")),
  create("fallback with no step", withFields({ fallback: [] }), "fallback"),
  create("fallback with 3 steps", withFields({ fallback: [{ channel: "SMS" }, { channel: "SMS" }, { channel: "SMS" }] }), "fallback"),
  create("a fallback step that is a string", withFields({ fallback: ["SMS"] }), "fallback[0]"),
  create("a fallback step on channel FAX", withFields({ fallback: [{ channel: "FAX" }] }), "fallback[0][channel]"),
  create("a fallback step without channel", withFields({ fallback: [{ to: "+14155550123" }] }), "fallback[0][channel]"),
  create("a fallback step to an invalid number", withFields({ fallback: [{ channel: "WHATSAPP", to: "+1" }] }), "fallback[0][to]"),
  create("an email step after SMS without to", withFields({ fallback: [{ channel: "EMAIL", content: { subject: "Hi", text: "Hi" } }] }), "fallback[0][to]"),
  create("an email step to a phone number", withFields({ fallback: [{ channel: "EMAIL", to: "+14155550123" }] }), "fallback[0][to]"),
  create("a fallback step from an invalid sender", withFields({ fallback: [{ channel: "SMS", from: "!!!" }] }), "fallback[0][from]"),
  create(
    "a fallback step with an unknown field",
    withFields({ fallback: [{ channel: "SMS", priority: "high" }] }),
    "fallback[0][priority]",
    "parameter_unknown",
  ),
  create(
    "a fallback step's content with an unknown field",
    withFields({ fallback: [{ channel: "SMS", content: { text: "hi", media_url: "https://x.example/a.png" } }] }),
    "fallback[0][content][media_url]",
    "parameter_unknown",
  ),
  create(
    "an email step that reuses an SMS text (no subject)",
    withFields({ fallback: [{ channel: "EMAIL", to: "ana@example.com" }] }),
    "fallback[0][content][subject]",
  ),
  create(
    "a fallback step's text over 1600 characters",
    withFields({ fallback: [{ channel: "SMS", content: { text: "x".repeat(1601) } }] }),
    "fallback[0][content][text]",
  ),
  create("a fallback step's content not an object", withFields({ fallback: [{ channel: "SMS", content: "hi" }] }), "fallback[0][content]"),
  create("a second fallback step to an invalid number", withFields({ fallback: [{ channel: "WHATSAPP" }, { channel: "SMS", to: "12" }] }), "fallback[1][to]"),
  create(
    "a form-encoded email step without to",
    form("fallback[0][channel]=EMAIL&fallback[0][content][subject]=Hi&fallback[0][content][text]=Hi"),
    "fallback[0][to]",
  ),
  create("a form-encoded fallback step to an invalid number", form("fallback[0][channel]=SMS&fallback[0][to]=12"), "fallback[0][to]"),
  create(
    "a fallback step on a channel the template has no body for",
    withFields({ content: { template_id: "corpus_existing", variables: { code: "1" } }, fallback: [{ channel: "WHATSAPP" }] }),
    "fallback[0][content][template_id]",
  ),
  create(
    "a fallback step with another template",
    withFields({
      content: { template_id: "corpus_existing", variables: { code: "1" } },
      fallback: [{ channel: "SMS", content: { template_id: "other_one" } }],
    }),
    "fallback[0][content][template_id]",
  ),
];

const secondsCases = (field: string, values: unknown[], extra: Record<string, unknown> = {}) =>
  values.map((value) => create(`${field} ${JSON.stringify(value)}`, withFields({ ...extra, [field]: value }), field));

const timingCases: BadRequest[] = [
  create("fallback_after without fallback", withFields({ fallback_after: 60 }), "fallback_after"),
  ...secondsCases("fallback_after", [29, 86_401, "soon", 45.5, -1, null, "1e3"], { fallback: [{ channel: "WHATSAPP" }] }),
  ...secondsCases("validity_period", [4, 259_201, "an hour", 10.5, true, ""]),
  ...secondsCases("send_at", [now - 3600, now + 36 * 86_400, "tomorrow", "2026-13-01T00:00:00Z", "2030-01-01T09:00:00", {}, true, null]),
  create("form-encoded validity_period too short", form("validity_period=4"), "validity_period"),
  create("form-encoded send_at in the past", form(`send_at=${now - 3600}`), "send_at"),
];

const validId = `msg_${"0".repeat(32)}`;
const cancelCases: BadRequest[] = [
  {
    name: "POST /v1/messages/:id/cancel of an unknown message",
    method: "POST",
    path: `/v1/messages/${validId}/cancel`,
    status: 404,
    code: "resource_missing",
    param: "id",
  },
  {
    name: "POST /v1/messages/:id/cancel of an id over 64 characters",
    method: "POST",
    path: `/v1/messages/msg_${"a".repeat(80)}/cancel`,
    status: 400,
    param: "id",
  },
  { name: "GET /v1/messages/:id/cancel", method: "GET", path: `/v1/messages/${validId}/cancel`, status: 405, code: "method_not_allowed" },
];

export const deliveryControlCases: BadRequest[] = [...fallbackCases, ...timingCases, ...cancelCases];
