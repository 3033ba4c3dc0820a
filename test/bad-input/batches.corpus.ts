// The bad-input corpus's table for POST /v1/messages/batch and /v1/batches,
// and the metadata of a create and of the list filter: malformed envelopes,
// strict batches with a bad item (refused whole: batch_invalid), bad metadata,
// bad batch ids. Listed in CORPUS (corpus.ts).
import type { BadRequest, Body, Expected } from "./bad-request.ts";

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });
const refused: Expected = { status: 400, code: "batch_invalid", param: "messages" };
const SMS = { channel: "SMS", to: "+14155550123", content: { text: "Hi" } };
const BATCH = "/v1/messages/batch";

const batch = (name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST ${BATCH}: ${name}`,
  method: "POST",
  path: BATCH,
  body,
  ...expected,
});
const create = (name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST /v1/messages: ${name}`,
  method: "POST",
  path: "/v1/messages",
  body,
  ...expected,
});
const get = (path: string, name: string, expected: Expected): BadRequest => ({ name: `GET ${path}: ${name}`, method: "GET", path, ...expected });

export const BATCH_CORPUS: BadRequest[] = [
  batch("no messages", { json: {} }, invalid("messages")),
  batch("an empty form", { form: "" }, invalid("messages")),
  batch("messages as an object", { json: { messages: SMS } }, invalid("messages")),
  batch("an empty list", { json: { messages: [] } }, invalid("messages")),
  batch("1,001 messages", { json: { messages: Array.from({ length: 1001 }, () => SMS) } }, invalid("messages")),
  batch("a null item", { json: { messages: [null] } }, invalid("messages[0]")),
  batch("a string item", { json: { messages: ["' OR 1=1 --"] } }, invalid("messages[0]")),
  batch("an unknown validation", { json: { messages: [SMS], validation: "loose" } }, invalid("validation")),
  batch("an unknown field", { json: { messages: [SMS], send_all: true } }, invalid("send_all", "parameter_unknown")),
  batch("batch metadata as a list", { json: { messages: [SMS], metadata: ["a"] } }, invalid("metadata")),
  batch("batch metadata with a bad key", { json: { messages: [SMS], metadata: { "a.b": "x" } } }, invalid("metadata[a.b]")),
  batch("an item with no channel", { json: { messages: [SMS, { to: "+14155550123", content: { text: "Hi" } }] } }, refused),
  batch("an item with a bad number", { json: { messages: [{ ...SMS, to: "12" }] } }, refused),
  batch("an item with an unknown field", { json: { messages: [{ ...SMS, colour: "red" }] } }, refused),
  batch("an item with a bad metadata key", { json: { messages: [{ ...SMS, metadata: { "a b": "x" } }] } }, refused),
  create("metadata as a string", { json: { ...SMS, metadata: "x" } }, invalid("metadata")),
  create("a metadata value of 501 characters", { json: { ...SMS, metadata: { k: "v".repeat(501) } } }, invalid("metadata[k]")),
  create("a metadata key of 41 characters", { json: { ...SMS, metadata: { ["k".repeat(41)]: "v" } } }, invalid(`metadata[${"k".repeat(41)}]`)),
  create("a nested metadata value", { form: "channel=sms&to=%2B14155550123&content[text]=Hi&metadata[a][b]=x" }, invalid("metadata[a]")),
  get("/v1/messages?metadata[a%20b]=x", "a bad metadata key", invalid("metadata[a b]")),
  get("/v1/messages?metadata[order_id]=", "an empty metadata value", invalid("metadata[order_id]")),
  get("/v1/messages?batch_id=msg_0123456789abcdef0123456789abcdef", "a message id as batch_id", invalid("batch_id")),
  get("/v1/batches/bat_0123456789abcdef0123456789abcdef", "an unknown batch", { status: 404, code: "resource_missing", param: "id" }),
  get("/v1/batches/' OR 1=1 --", "an injection as a batch id", { status: 404, code: "resource_missing", param: "id" }),
];
