// The documented Message schema against messages that carry files: the
// message object shows each file as its description ({id, filename,
// content_type, size, sha256}), and the document (and the SDK's types made
// from it) must say so, not the create's shape with the file's content.
import { describe, expect, it } from "vitest";
import { base64, emailWith, pdfAttachment, pngBytes } from "../messages/attachments.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { schemaValidator, servedDocument } from "./operations.ts";

const validate = schemaValidator(await servedDocument());
const png = { content_type: "image/png", content: base64(pngBytes()) };

describe("a message with files, as GET /v1/messages/{id} returns it", () => {
  it.each([
    ["an email with an attachment", emailWith({ attachments: [pdfAttachment()] })],
    ["a WhatsApp image", { channel: "WHATSAPP", to: "+14155550123", content: { media: [{ type: "image", ...png, caption: "Your receipt" }] } }],
    ["an MMS", { channel: "SMS", to: "+14155550123", content: { text: "Your boarding pass", media: [png] } }],
  ])("%s matches the documented Message schema", async (_, body) => {
    const account = await createAccount("test");
    const created = await api("/v1/messages", { key: account.key, json: body });
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    const message = await (await api(`/v1/messages/${id}`, { key: account.key })).json<{ content: Record<string, unknown> }>();
    expect(JSON.stringify(message.content)).toMatch(/"sha256":"[0-9a-f]{64}"/);
    expect(validate("/components/schemas/Message", message).errors).toEqual([]);
  });
});
