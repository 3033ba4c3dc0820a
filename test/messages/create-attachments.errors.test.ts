// Attachments and headers a create refuses, each naming the field at fault,
// with nothing stored (no message, no R2 object); and a file gone from R2
// before its hand-off.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";
import { waitForStatus } from "../support/wait.ts";
import { base64, emailWith, pdfAttachment, pdfBytes, sha256, storedObjects } from "./attachments.fixture.ts";

afterEach(() => vi.restoreAllMocks());

const MB = 1_000_000;

/** Base64 of a file of `size` bytes that starts as a PDF (the rest "A"s: base64 of zero bytes). */
function pdfOfSize(size: number): string {
  const head = base64(new TextEncoder().encode("%PDF-1.4\n"));
  return head + "A".repeat(Math.ceil((size - 9) / 3) * 4);
}

async function refused(account: TestAccount, body: unknown, status: number, expected: { param: string; code?: string }) {
  const res = await api("/v1/messages", { key: account.key, json: body });
  await expectError(res, status, expected);
  expect(await messageCount(account.id)).toBe(0);
  expect(await storedObjects(account.id)).toEqual([]);
}

describe("size", () => {
  it("a 30 MB attachment is a 413 naming content, before the body is read", async () => {
    const account = await createAccount("test");
    const attachment = { filename: "big.pdf", content_type: "application/pdf", content: pdfOfSize(30 * MB) };
    await refused(account, emailWith({ attachments: [attachment] }), 413, { param: "content", code: "media_too_large" });
  });

  it("attachments past 25 MB in total are a 413 naming the one that goes past", async () => {
    const account = await createAccount("test");
    const attachments = [pdfAttachment(), { filename: "big.pdf", content_type: "application/pdf", content: pdfOfSize(25 * MB) }];
    await refused(account, emailWith({ attachments }), 413, { param: "content[attachments][1]", code: "media_too_large" });
  });

  it("more than 10 attachments is a 400 naming attachments", async () => {
    const account = await createAccount("test");
    const attachments = Array.from({ length: 11 }, () => pdfAttachment());
    await refused(account, emailWith({ attachments }), 400, { param: "content[attachments]" });
  });
});

describe("type and encoding", () => {
  it("bytes that are not the declared type are a 400 naming content_type", async () => {
    const account = await createAccount("test");
    const attachment = { filename: "photo.png", content_type: "image/png", content: base64(pdfBytes()) };
    await refused(account, emailWith({ attachments: [attachment] }), 400, { param: "content[attachments][0][content_type]", code: "attachment_type_mismatch" });
  });

  it("a type outside the allow-list (HTML, an executable) is a 400 naming content_type", async () => {
    const account = await createAccount("test");
    for (const contentType of ["text/html", "application/x-msdownload", "image/svg+xml"]) {
      const attachment = { filename: "x", content_type: contentType, content: base64(new TextEncoder().encode("<html></html>")) };
      await refused(account, emailWith({ attachments: [attachment] }), 400, { param: "content[attachments][0][content_type]" });
    }
  });

  it("content that is not base64 is a 400 naming it", async () => {
    const account = await createAccount("test");
    for (const content of ["not base64!", "JVBERi0", "JVBE\nRi0x"]) {
      await refused(account, emailWith({ attachments: [{ ...pdfAttachment(), content }] }), 400, { param: "content[attachments][0][content]" });
    }
  });

  it("a file name with a path or a line break is a 400 naming filename", async () => {
    const account = await createAccount("test");
    for (const filename of ["../../etc/passwd", "a\r\nBcc: x@example.com"]) {
      await refused(account, emailWith({ attachments: [pdfAttachment(pdfBytes(), filename)] }), 400, { param: "content[attachments][0][filename]" });
    }
  });

  it("both content and url, or neither, is a 400", async () => {
    const account = await createAccount("test");
    const { content: _, ...neither } = pdfAttachment();
    await refused(account, emailWith({ attachments: [neither] }), 400, { param: "content[attachments][0][content]" });
    await refused(account, emailWith({ attachments: [{ ...pdfAttachment(), url: "https://files.acme.com/a.pdf" }] }), 400, {
      param: "content[attachments][0][content]",
    });
  });

  it("attachments on a fallback step are refused: files go with the message's own content", async () => {
    const account = await createAccount("test");
    const step = { channel: "EMAIL", to: "ada@example.com", content: { subject: "s", text: "t", attachments: [pdfAttachment()] } };
    const body = { channel: "SMS", to: "+14155550123", content: { text: "hi" }, fallback: [step], fallback_after: 60 };
    await refused(account, body, 400, { param: "fallback[0][content][attachments]", code: "parameter_unknown" });
  });
});

describe("url", () => {
  it("a private, link-local or internal address is a 400 naming the url, and nothing is fetched", async () => {
    const live = await createAccount("live");
    const sender = await bindSender(live, "email");
    const fetched = vi.spyOn(globalThis, "fetch");
    for (const url of [
      "https://10.0.0.1/a.pdf",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/a.pdf",
      "http://files.acme.com/a.pdf",
      "https://intranet/a.pdf",
    ]) {
      const attachment = { filename: "a.pdf", content_type: "application/pdf", url };
      await refused(live, emailWith({ attachments: [attachment] }, { from: sender.address }), 400, { param: "content[attachments][0][url]" });
    }
    const test = await createAccount("test");
    await refused(test, emailWith({ attachments: [{ filename: "a.pdf", content_type: "application/pdf", url: "http://169.254.169.254/a.pdf" }] }), 400, {
      param: "content[attachments][0][url]",
    });
    expect(fetched.mock.calls.filter(([input]) => String(input instanceof Request ? input.url : input).includes("/a.pdf"))).toEqual([]);
  });

  it("a redirect is not followed, and an error answer is a 400 naming the url", async () => {
    const account = await createAccount("test");
    // Made as each request asks: a Response belongs to the request that made it.
    const answers = [() => new Response(null, { status: 302, headers: { Location: "http://169.254.169.254/" } }), () => new Response("gone", { status: 404 })];
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => answers.shift()!());
    for (let i = 0; i < 2; i++) {
      const attachment = { filename: "a.pdf", content_type: "application/pdf", url: "https://files.acme-example.com/a.pdf" };
      await refused(account, emailWith({ attachments: [attachment] }), 400, { param: "content[attachments][0][url]", code: "attachment_url_invalid" });
    }
  });

  it("a file that grows past the limit while it is read is a 413", async () => {
    const account = await createAccount("test");
    let sent = 0;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += MB;
          controller.enqueue(new Uint8Array(MB));
        },
      });
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(endless()));
    const attachment = { filename: "a.pdf", content_type: "application/pdf", url: "https://files.acme-example.com/a.pdf" };
    await refused(account, emailWith({ attachments: [attachment] }), 413, { param: "content[attachments][0]", code: "media_too_large" });
    expect(sent).toBeLessThan(30 * MB);
  });
});

describe("headers", () => {
  it("a header the platform owns is a 400 naming it", async () => {
    const account = await createAccount("test");
    for (const name of ["From", "to", "Subject", "Content-Type", "DKIM-Signature", "Message-ID", "Bcc"]) {
      await refused(account, emailWith({ headers: { [name]: "x" } }), 400, { param: `content[headers][${name}]` });
    }
  });

  it("a value with a line break (header injection) or a bad name is a 400 naming the header", async () => {
    const account = await createAccount("test");
    await refused(account, emailWith({ headers: { "X-Tag": "a\r\nBcc: victim@example.com" } }), 400, { param: "content[headers][X-Tag]" });
    await refused(account, emailWith({ headers: { "X Tag": "a" } }), 400, { param: "content[headers][X Tag]" });
  });
});

describe("a file gone from R2 before its hand-off", () => {
  it("fails the message (attachment_missing), without calling Resend", async () => {
    const fake = fakeProviders();
    try {
      const account = await createAccount("live");
      const sender = await bindSender(account, "email");
      const bytes = pdfBytes();
      const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment(bytes)] }, { from: sender.address }) });
      const { id } = await res.json<{ id: string }>();
      await env.MEDIA.delete(`${account.id}/${await sha256(bytes)}`);
      await runConsumer([id]);
      const message = await waitForStatus(account, id, ["failed"]);
      expect(message.error).toMatchObject({ code: "attachment_missing" });
      expect(fake.requests.filter((request) => request.url.hostname === "resend.fake")).toEqual([]);
    } finally {
      fake.restore();
    }
  });
});
