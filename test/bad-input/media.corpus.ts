// The bad-input corpus's table for email attachments and custom headers:
// oversize, wrong type, bad base64, a url to a private address, a forbidden
// header, and their shapes; an SMS's mms_fallback; a template header's file
// and a template's header. Listed in CORPUS (corpus.ts).
import { base64, linkedSms, pdfAttachment, pdfBytes, pngBytes } from "../messages/attachments.fixture.ts";
import type { BadRequest, Body, Expected } from "./bad-request.ts";

const invalid = (param: string, code = "parameter_invalid"): Expected => ({ status: 400, code, param });

const email = (content: Record<string, unknown>): Body => ({
  json: { channel: "EMAIL", to: "ada@example.com", from: "billing@acme.example", content: { subject: "Invoice", text: "Attached.", ...content } },
});
const create = (name: string, body: Body, expected: Expected): BadRequest => ({
  name: `POST /v1/messages: ${name}`,
  method: "POST",
  path: "/v1/messages",
  body,
  ...expected,
});
/** An SMS to a French number whose image goes as a link, with its content changed by `content`. */
const linked = (content: Record<string, unknown>, overrides: Record<string, unknown> = {}): Body => {
  const body = linkedSms("+33612345678", "Your ticket", [pngBytes()], overrides);
  return { json: { ...body, content: { ...body.content, ...content } } };
};
/** A WhatsApp template create whose content carries `media` (checked before the template is read). */
const templated = (media: unknown): Body => ({ json: { channel: "WHATSAPP", to: "+14155550123", content: { template_id: "corpus_ticket", media } } });
const headerFile = (overrides: Record<string, unknown> = {}) => ({ type: "image", content_type: "image/png", content: base64(pngBytes()), ...overrides });
const templateWithHeader = (header: unknown): BadRequest => ({
  name: `POST /v1/templates: a whatsapp header of ${JSON.stringify(header)}`,
  method: "POST",
  path: "/v1/templates",
  body: { json: { id: "corpus_ticket", whatsapp: { name: "ticket_ready", language: "en", header } } },
  status: 400,
  code: "parameter_invalid",
  param: typeof header === "object" && header !== null ? "whatsapp[header][format]" : "whatsapp[header]",
});
const file = (overrides: Record<string, unknown>) => ({ attachments: [{ ...pdfAttachment(pdfBytes("corpus")), ...overrides }] });

export const MEDIA_CORPUS: BadRequest[] = [
  create("attachments past 25 MB", email(file({ content: `JVBERi0x${"A".repeat(34_000_000)}` })), {
    status: 413,
    code: "media_too_large",
    param: "content[attachments][0]",
  }),
  create("attachments not a list", email({ attachments: { filename: "a.pdf" } }), invalid("content[attachments]")),
  create("an empty attachments list", email({ attachments: [] }), invalid("content[attachments]")),
  create("eleven attachments", email({ attachments: Array.from({ length: 11 }, () => pdfAttachment(pdfBytes("corpus"))) }), invalid("content[attachments]")),
  create("an attachment's unknown field", email(file({ path: "/etc/passwd" })), {
    status: 400,
    code: "parameter_unknown",
    param: "content[attachments][0][path]",
  }),
  create("a type outside the allow-list", email(file({ content_type: "text/html" })), invalid("content[attachments][0][content_type]")),
  create(
    "bytes that are not the declared type",
    email(file({ content_type: "image/jpeg" })),
    invalid("content[attachments][0][content_type]", "attachment_type_mismatch"),
  ),
  create("an empty file", email(file({ content: "" })), invalid("content[attachments][0][content]")),
  create("content that is not base64", email(file({ content: "%%%%" })), invalid("content[attachments][0][content]")),
  create(
    "base64 without its padding",
    email(file({ content: base64(pdfBytes("corpus")).replace(/=+$/, "").slice(0, -1) })),
    invalid("content[attachments][0][content]"),
  ),
  create("base64 with line breaks", email(file({ content: "JVBE\r\nRi0x" })), invalid("content[attachments][0][content]")),
  create("content as a number", email(file({ content: 12345 })), invalid("content[attachments][0][content]")),
  create("a filename with a path", email(file({ filename: "../invoice.pdf" })), invalid("content[attachments][0][filename]")),
  create("a filename with a NUL", email(file({ filename: "invoice\u0000.pdf" })), invalid("content[attachments][0][filename]")),
  create("a filename over 255 characters", email(file({ filename: `${"a".repeat(256)}.pdf` })), invalid("content[attachments][0][filename]")),
  create("a content_id with a space", email(file({ content_id: "logo 1" })), invalid("content[attachments][0][content_id]")),
  create(
    "a url to a private address",
    email(file({ content: undefined, url: "http://10.0.0.1/invoice.pdf" })),
    invalid("content[attachments][0][url]", "attachment_url_invalid"),
  ),
  create(
    "a url to the metadata service",
    email(file({ content: undefined, url: "http://169.254.169.254/latest/meta-data/" })),
    invalid("content[attachments][0][url]", "attachment_url_invalid"),
  ),
  create("a url that is not a URL", email(file({ content: undefined, url: "invoice.pdf" })), invalid("content[attachments][0][url]", "attachment_url_invalid")),
  create("headers not an object", email({ headers: ["List-Unsubscribe"] }), invalid("content[headers]")),
  create("a From header", email({ headers: { From: "ceo@acme.example" } }), invalid("content[headers][From]")),
  create("a Content-Type header", email({ headers: { "content-type": "text/html" } }), invalid("content[headers][content-type]")),
  create("a DKIM-Signature header", email({ headers: { "DKIM-Signature": "v=1" } }), invalid("content[headers][DKIM-Signature]")),
  create("a header value with CRLF", email({ headers: { "X-Tag": "a\r\nBcc: victim@example.com" } }), invalid("content[headers][X-Tag]")),
  create("a header name with a colon", email({ headers: { "X-Tag:": "a" } }), invalid("content[headers][X-Tag:]")),
  create("a header value as a number", email({ headers: { "X-Tag": 1 } }), invalid("content[headers][X-Tag]")),
  create(
    "attachments on an SMS",
    { json: { channel: "SMS", to: "+14155550123", content: { text: "hi", attachments: [] } } },
    {
      status: 400,
      code: "parameter_unknown",
      param: "content[attachments]",
    },
  ),
  create("mms_fallback other than link", linked({ mms_fallback: "mms" }), invalid("content[mms_fallback]")),
  create("mms_fallback as true", linked({ mms_fallback: true }), invalid("content[mms_fallback]")),
  create("mms_fallback in upper case", linked({ mms_fallback: "LINK" }), invalid("content[mms_fallback]")),
  create(
    "mms_fallback on a WhatsApp message",
    { json: { channel: "WHATSAPP", to: "+14155550123", content: { text: "hi", mms_fallback: "link" } } },
    { status: 400, code: "parameter_unknown", param: "content[mms_fallback]" },
  ),
  create("mms_fallback link with content_retention discard", linked({}, { content_retention: "discard" }), invalid("content_retention")),
  create("mms_fallback link past max_segments", linked({ text: "a".repeat(150) }, { max_segments: 1 }), invalid("content", "max_segments_exceeded")),
  create("a template header's file of type audio", templated([headerFile({ type: "audio", content_type: "audio/ogg" })]), invalid("content[media][0][type]")),
  create("two files for a template header", templated([headerFile(), headerFile()]), invalid("content[media]")),
  create("a template header's file with a caption", templated([headerFile({ caption: "hi" })]), {
    status: 400,
    code: "parameter_unknown",
    param: "content[media][0][caption]",
  }),
  create(
    "a template header's file by content and url",
    templated([headerFile({ url: "https://cdn.example.com/a.png" })]),
    invalid("content[media][0][content]"),
  ),
  create("a template header's image as a PDF type", templated([headerFile({ content_type: "application/pdf" })]), invalid("content[media][0][content_type]")),
  create("a template's media not a list", templated(headerFile()), invalid("content[media]")),
  templateWithHeader({ format: "audio" }),
  templateWithHeader({ format: "gif" }),
  templateWithHeader("image"),
];
