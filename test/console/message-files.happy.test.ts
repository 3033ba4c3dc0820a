// A message's attachments on its Console page: each file's name, type and
// size, an image as a thumbnail whose signed URL serves the image's bytes;
// none once the message is redacted, and the thumbnail's URL then a 404; an
// SMS's files sent as links (mms_fallback link) or as an MMS, said so.
import { describe, expect, it } from "vitest";
import { gifBytes, linkedSms, pngBytes } from "../messages/attachments.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { projectedMessage } from "../support/db.ts";
import { waitForStatus } from "../support/wait.ts";

// Built byte by byte here, as the file sniffing expects them (PNG signature and IHDR start; a PDF header and trailer).
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const PDF = new TextEncoder().encode(`%PDF-1.4\n% ${crypto.randomUUID()}\ntrailer << >>\n%%EOF\n`);
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

async function emailWithFiles() {
  const account = await createAccount("test");
  const res = await api("/v1/messages", {
    key: account.key,
    json: {
      channel: "EMAIL",
      to: "ada@example.com",
      from: "billing@acme.example",
      content: {
        subject: "Your invoice",
        html: '<p>Attached.</p><img src="cid:logo">',
        attachments: [
          { filename: "invoice.pdf", content_type: "application/pdf", content: base64(PDF) },
          { filename: "logo.png", content_type: "image/png", content: base64(PNG), content_id: "logo" },
        ],
      },
    },
  });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  await waitForStatus(account, id, ["delivered"]);
  return { account, id, session: await signIn(account) };
}

const thumbnailOf = (page: string) => /<img class="thumbnail" src="([^"]+)" alt="logo\.png"/.exec(page)?.[1];

describe("a message's files on its Console page", () => {
  it("lists each file's name, type and size, and shows an image as a thumbnail served by its signed URL", async () => {
    const { id, session } = await emailWithFiles();
    const page = await (await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie })).text();
    expect(page).toContain("<h2>Files</h2>");
    expect(page).toContain(`<td>invoice.pdf</td><td><code>application/pdf</code></td><td>${PDF.byteLength} bytes</td>`);
    expect(page).toContain(`<td>logo.png</td><td><code>image/png</code></td><td>${PNG.byteLength} bytes</td>`);
    // Only the image has a thumbnail.
    expect(page.match(/<img class="thumbnail"/g)).toHaveLength(1);
    const src = thumbnailOf(page);
    expect(src).toMatch(/^\/v1\/media\/acct_[0-9a-f]{32}\.msg_[0-9a-f]{32}\.att_[0-9a-f]{24}\.\d+\.[A-Za-z0-9_-]{43}$/);
    // The Console's own origin serves it (its CSP allows images from 'self' only), with no API key.
    const image = await consoleFetch(src!);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
  });

  it("lists none once the message is redacted, and the thumbnail's signed URL is then a 404", async () => {
    const { account, id, session } = await emailWithFiles();
    const before = await (await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie })).text();
    const src = thumbnailOf(before);
    expect(src).toBeDefined();
    expect((await api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    // The page reads the message's row: once its object's redaction is projected to it.
    await projectedMessage(id).toMatchObject({ redactedAt: expect.any(Number) });
    const after = await (await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie })).text();
    expect(after).not.toContain("<h2>Files</h2>");
    expect(after).not.toContain("logo.png");
    expect((await consoleFetch(src!)).status).toBe(404);
  });

  it("says an SMS went with its images as links (mms_fallback link), and one to the US as an MMS", async () => {
    const account = await createAccount("test");
    const session = await signIn(account);
    const pageOf = async (to: string) => {
      const res = await api("/v1/messages", { key: account.key, json: linkedSms(to, "Your tickets", [pngBytes(), gifBytes()]) });
      expect(res.status, await res.clone().text()).toBe(201);
      const { id } = await res.json<{ id: string }>();
      return (await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie })).text();
    };
    const linked = await pageOf("+33612345678");
    expect(linked).toContain("Sent as SMS, each file as a link on <code>https://api.omniflow.test</code> after the text");
    expect(linked).toContain("2 link(s)");
    const mms = await pageOf("+14155550123");
    expect(mms).toContain("Sent as MMS with 2 file(s).");
    expect(mms).not.toContain("as a link");
  });
});
