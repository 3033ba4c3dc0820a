// Email attachments and custom headers: stored once in R2 per account and
// file, shown as descriptions (never bytes), read back by the attachments
// route and by signed URL, and handed to Resend in its documented shape.
import { afterEach, describe, expect, it, vi } from "vitest";
import resendSpec from "../fixtures/provider-specs/resend-emails.openapi.json";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";
import { waitForStatus } from "../support/wait.ts";
import { base64, emailWith, fakeFileHost, pdfAttachment, pdfBytes, pngBytes, sha256, storedObjects } from "./attachments.fixture.ts";

let fake: ReturnType<typeof fakeProviders> | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
  vi.restoreAllMocks();
});

interface ShownAttachment {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
}

describe("an email with a PDF attachment and a List-Unsubscribe header", () => {
  it("is delivered in the sandbox; its GET shows the file's name, type, size and sha256 and no bytes; the attachments route returns the bytes", async () => {
    const account = await createAccount("test");
    const bytes = pdfBytes();
    const headers = { "List-Unsubscribe": "<https://acme.example/unsubscribe/42>" };
    const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment(bytes)], headers }) });
    expect(res.status).toBe(201);
    const created = await res.json<{ id: string; content: { attachments: ShownAttachment[]; headers: Record<string, string> } }>();
    const [shown] = created.content.attachments;
    expect(shown).toEqual({
      id: expect.stringMatching(/^att_[0-9a-f]{24}$/),
      filename: "invoice.pdf",
      content_type: "application/pdf",
      size: bytes.byteLength,
      sha256: await sha256(bytes),
    });
    expect(created.content.headers).toEqual(headers);

    await waitForStatus(account, created.id, ["delivered"]);
    const got = await (await api(`/v1/messages/${created.id}`, { key: account.key })).text();
    expect(got).toContain(shown!.sha256);
    expect(got).not.toContain(base64(bytes));

    const file = await api(`/v1/messages/${created.id}/attachments/${shown!.id}`, { key: account.key });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''invoice.pdf");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it("is stored once per account: two messages with the same file make one R2 object, named by the account and the file's sha256", async () => {
    const account = await createAccount("test");
    const bytes = pdfBytes();
    for (const to of ["ada@example.com", "grace@example.com"]) {
      const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment(bytes)] }, { to }) });
      expect(res.status).toBe(201);
    }
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(bytes)}`]);
    // The same bytes in another account are that account's own object.
    const other = await createAccount("test");
    expect((await api("/v1/messages", { key: other.key, json: emailWith({ attachments: [pdfAttachment(bytes)] }) })).status).toBe(201);
    expect(await storedObjects(other.id)).toEqual([`${other.id}/${await sha256(bytes)}`]);
  });

  it("reaches Resend as its documented attachments (base64 content, filename, content_type, content_id) and headers", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    const sender = await bindSender(account, "email");
    const pdf = pdfBytes();
    const png = pngBytes();
    const content = {
      html: '<p>Your invoice <img src="cid:logo"></p>',
      attachments: [pdfAttachment(pdf), { filename: "logo.png", content_type: "image/png", content: base64(png), content_id: "logo" }],
      headers: { "List-Unsubscribe": "<mailto:unsubscribe@acme.example>", "X-Campaign": "invoices-2026-12" },
    };
    const res = await api("/v1/messages", { key: account.key, json: emailWith(content, { from: sender.address }) });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    await runConsumer([id]);
    const sent = fake.requests.find((request) => request.url.hostname === "resend.fake");
    const body = JSON.parse(sent!.body) as Record<string, unknown>;
    expect(body.attachments).toEqual([
      { filename: "invoice.pdf", content: base64(pdf), content_type: "application/pdf" },
      { filename: "logo.png", content: base64(png), content_type: "image/png", content_id: "logo" },
    ]);
    expect(body.headers).toEqual(content.headers);
    // Every field is one Resend documents, on the request and on each attachment.
    const schemas = resendSpec.components.schemas;
    for (const field of Object.keys(body)) expect(Object.keys(schemas.SendEmailRequest.properties)).toContain(field);
    for (const attachment of body.attachments as object[]) {
      for (const field of Object.keys(attachment)) expect(Object.keys(schemas.Attachment.properties)).toContain(field);
    }
    expect(schemas.SendEmailRequest.properties.headers.type).toBe("object");
  });
});

describe("a file given by url", () => {
  it("is fetched once at create, checked, and stored like a base64 one", async () => {
    const bytes = pdfBytes();
    const host = fakeFileHost(() => new Response(bytes, { headers: { "Content-Type": "application/pdf" } }));
    const account = await createAccount("live");
    const sender = await bindSender(account, "email");
    const attachment = { filename: "ticket.pdf", content_type: "application/pdf", url: `https://${host.name}/files/ticket.pdf` };
    const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [attachment] }, { from: sender.address }) });
    expect(res.status).toBe(201);
    const created = await res.json<{ content: { attachments: ShownAttachment[] } }>();
    expect(created.content.attachments[0]).toMatchObject({ filename: "ticket.pdf", size: bytes.byteLength, sha256: await sha256(bytes) });
    expect(host.requests).toBe(1);
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(bytes)}`]);
  });
});
