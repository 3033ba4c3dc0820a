// A template's media header refused as a user would get it wrong: no file for
// a media header, a file of another type than the header's format, a file
// for a template (or channel) without one, a header no format Meta has, and a
// fallback step asked to send such a template. Each a 400 naming the field;
// nothing is stored.
import { describe, expect, it } from "vitest";
import { base64, pdfBytes, pngBytes, storedObjects } from "../messages/attachments.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";

const png = { type: "image", content_type: "image/png", content: base64(pngBytes()) };

async function accountWith(template: Record<string, unknown>): Promise<TestAccount> {
  const account = await createAccount();
  await createTemplate(account, template);
  return account;
}

const imageHeader = {
  id: "ticket",
  sms: { text: "Your ticket, {{name}}" },
  whatsapp: { name: "ticket_ready", language: "en_US", body_params: ["name"], header: { format: "image" } },
};

function send(account: TestAccount, content: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const body = { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "ticket", variables: { name: "Ada" }, ...content }, ...extra };
  return api("/v1/messages", { key: account.key, json: body });
}

describe("POST /v1/messages with a media-header template", () => {
  it("without content[media] is a 400 parameter_missing naming it", async () => {
    const account = await accountWith(imageHeader);
    const error = await expectError(await send(account, {}), 400, { code: "parameter_missing", param: "content[media]" });
    expect(error.message).toMatch(/image header/);
    expect(await messageCount(account.id)).toBe(0);
  });

  it("with a file whose type is not the header's format is a 400 naming content[media][0][type], storing nothing", async () => {
    const account = await accountWith(imageHeader);
    const pdf = { type: "document", content_type: "application/pdf", content: base64(pdfBytes()) };
    await expectError(await send(account, { media: [pdf] }), 400, { code: "parameter_invalid", param: "content[media][0][type]" });
    expect(await messageCount(account.id)).toBe(0);
    expect(await storedObjects(account.id)).toEqual([]);
  });

  it("with a content type the header's format does not take, or bytes that are not it, is a 400 naming it", async () => {
    const account = await accountWith(imageHeader);
    await expectError(await send(account, { media: [{ ...png, content_type: "image/gif" }] }), 400, { param: "content[media][0][content_type]" });
    const notPng = { ...png, content: base64(pdfBytes()) };
    await expectError(await send(account, { media: [notPng] }), 400, { code: "attachment_type_mismatch", param: "content[media][0][content_type]" });
  });

  it("with a file past Meta's limit for the format is a 413 naming it", async () => {
    const account = await accountWith(imageHeader);
    // A PNG's first 27 bytes (base64 without padding), then 6 MB of zero bytes: past an image's 5 MB.
    const big = `${base64(pngBytes()).slice(0, 36)}${"A".repeat(8_000_000)}`;
    await expectError(await send(account, { media: [{ ...png, content: big }] }), 413, { code: "media_too_large", param: "content[media][0]" });
  });

  it("with two files is a 400 naming content[media]", async () => {
    const account = await accountWith(imageHeader);
    await expectError(await send(account, { media: [png, png] }), 400, { param: "content[media]" });
  });

  it("sent as SMS, where the template has no header, refuses the file", async () => {
    const account = await accountWith(imageHeader);
    const res = await api("/v1/messages", {
      key: account.key,
      json: { channel: "SMS", to: "+14155550123", content: { template_id: "ticket", variables: { name: "Ada" }, media: [png] } },
    });
    await expectError(res, 400, { code: "parameter_invalid", param: "content[media]" });
    // Without the file the SMS body is sent as always.
    const plain = await api("/v1/messages", {
      key: account.key,
      json: { channel: "SMS", to: "+14155550123", content: { template_id: "ticket", variables: { name: "Ada" } } },
    });
    expect(plain.status).toBe(201);
  });

  it("a file for a WhatsApp template without a media header is a 400 naming content[media]", async () => {
    const account = await accountWith({ id: "ticket", whatsapp: { name: "ticket_ready", language: "en_US", body_params: ["name"] } });
    await expectError(await send(account, { media: [png] }), 400, { code: "parameter_invalid", param: "content[media]" });
  });

  it("as a WhatsApp fallback step is a 400 naming the step's template: a step sends no files", async () => {
    const account = await accountWith(imageHeader);
    const res = await api("/v1/messages", {
      key: account.key,
      json: {
        channel: "SMS",
        to: "+14155550123",
        content: { template_id: "ticket", variables: { name: "Ada" } },
        fallback: [{ channel: "WHATSAPP", to: "+919876543210" }],
      },
    });
    await expectError(res, 400, { code: "parameter_invalid", param: "fallback[0][content][template_id]" });
  });
});

describe("POST /v1/templates with a whatsapp header", () => {
  it("refuses a format Meta's media headers do not have, naming it", async () => {
    const account = await createAccount();
    const body = { id: "ticket", whatsapp: { name: "ticket_ready", language: "en_US", header: { format: "audio" } } };
    await expectError(await api("/v1/templates", { key: account.key, json: body }), 400, { param: "whatsapp[header][format]" });
    const unknown = { id: "ticket", whatsapp: { name: "ticket_ready", language: "en_US", header: { format: "image", link: "https://x.example/a.png" } } };
    await expectError(await api("/v1/templates", { key: account.key, json: unknown }), 400, { param: "whatsapp[header][link]" });
  });
});
