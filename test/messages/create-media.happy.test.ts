// WhatsApp media and MMS: content.media stored in R2 like an email's
// attachments, and handed to Meta (a media message by link) and Twilio
// (MediaUrl) as signed URLs that serve the file, in their documented shapes.
import { afterEach, describe, expect, it, vi } from "vitest";
import twilioSpec from "../fixtures/provider-specs/twilio-messages.openapi.json";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";
import { waitForStatus } from "../support/wait.ts";
import { base64, fakeFileHost, pdfBytes, pngBytes, sha256, storedObjects } from "./attachments.fixture.ts";

let fake: ReturnType<typeof fakeProviders> | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
  vi.restoreAllMocks();
});

/** The bytes a signed URL the Worker handed out serves (its origin is PUBLIC_BASE_URL; the test calls the Worker itself). */
async function served(url: string): Promise<Uint8Array> {
  const { pathname } = new URL(url);
  expect(pathname).toMatch(/^\/v1\/media\//);
  const res = await api(pathname, { key: null });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

describe("a WhatsApp image by URL", () => {
  it("is fetched and stored at create, and handed to Meta as an image message whose link serves the file", async () => {
    const png = pngBytes();
    fake = fakeProviders();
    // After the providers' fake: the file host answers its own name and hands every other to them.
    const host = fakeFileHost(() => new Response(png, { headers: { "Content-Type": "image/png" } }));
    const account = await createAccount("live");
    await bindSender(account, "whatsapp");
    const media = [{ type: "image", content_type: "image/png", url: `https://${host.name}/receipt.png`, caption: "Your receipt" }];
    const res = await api("/v1/messages", { key: account.key, json: { channel: "WHATSAPP", to: "+14155550123", content: { media } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await res.json<{ id: string; content: { media: { sha256: string; size: number }[] } }>();
    expect(created.content.media[0]).toMatchObject({ content_type: "image/png", size: png.byteLength, sha256: await sha256(png), caption: "Your receipt" });
    await runConsumer([created.id]);
    const sent = fake.requests.find((request) => request.url.hostname === "graph.fake");
    // Meta's media message: type "image" and an image object with a link and a caption.
    const body = JSON.parse(sent!.body) as { type: string; image: { link: string; caption: string } };
    expect(body).toMatchObject({ messaging_product: "whatsapp", to: "14155550123", type: "image" });
    expect(Object.keys(body.image).sort()).toEqual(["caption", "link"]);
    expect(body.image.caption).toBe("Your receipt");
    expect(body.image.link.startsWith("https://api.omniflow.test/v1/media/")).toBe(true);
    expect(await served(body.image.link)).toEqual(png);
    // The message keeps the caption it sent, beside its file.
    const shown = await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<{ content: { media: { caption?: string }[] } }>();
    expect(shown.content.media[0]?.caption).toBe("Your receipt");
  });

  it("a document carries its filename; test keys store it and the sandbox delivers it", async () => {
    const account = await createAccount("test");
    const pdf = pdfBytes();
    const media = [{ type: "document", content_type: "application/pdf", content: base64(pdf), filename: "ticket.pdf", caption: "Your ticket" }];
    const res = await api("/v1/messages", { key: account.key, json: { channel: "WHATSAPP", to: "+14155550123", content: { media } } });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    await waitForStatus(account, id, ["delivered", "read"]);
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(pdf)}`]);
  });
});

describe("an MMS to a US number", () => {
  it("is handed to Twilio with each image as a MediaUrl (a documented field) that serves the file, and the text as Body", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    await bindSender(account, "sms");
    const png = pngBytes();
    const media = [{ content_type: "image/png", content: base64(png) }];
    const res = await api("/v1/messages", { key: account.key, json: { channel: "SMS", to: "+14155550123", content: { text: "Your boarding pass", media } } });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    await runConsumer([id]);
    const sent = fake.requests.find((request) => request.url.hostname === "twilio.fake");
    const form = new URLSearchParams(sent!.body);
    expect(form.get("Body")).toBe("Your boarding pass");
    const urls = form.getAll("MediaUrl");
    expect(urls).toHaveLength(1);
    const formSchema = twilioSpec.paths["/2010-04-01/Accounts/{AccountSid}/Messages.json"].post.requestBody.content["application/x-www-form-urlencoded"].schema;
    expect(Object.keys(formSchema.properties)).toContain("MediaUrl");
    expect(await served(urls[0]!)).toEqual(png);
  });

  it("to a number outside the US and Canada is a 400 mms_not_supported naming to", async () => {
    const account = await createAccount("test");
    const media = [{ content_type: "image/png", content: base64(pngBytes()) }];
    const res = await api("/v1/messages", { key: account.key, json: { channel: "SMS", to: "+447911123456", content: { text: "hi", media } } });
    await expectError(res, 400, { code: "mms_not_supported", param: "to" });
    expect(await messageCount(account.id)).toBe(0);
  });
});

describe("media limits", () => {
  it("follow Meta's per type: a sticker over 500 KB is a 413, a PDF as an image or a caption on audio a 400", async () => {
    const account = await createAccount("test");
    const send = (media: unknown[]) => api("/v1/messages", { key: account.key, json: { channel: "WHATSAPP", to: "+14155550123", content: { media } } });
    // 15 bytes of a WebP's header (base64 without padding), then 525,000 zero bytes.
    const webp = `${base64(new TextEncoder().encode("RIFF\u0000\u0000\u0000\u0000WEBPVP8"))}${"A".repeat(700_000)}`;
    await expectError(await send([{ type: "sticker", content_type: "image/webp", content: webp }]), 413, {
      param: "content[media][0]",
      code: "media_too_large",
    });
    await expectError(await send([{ type: "image", content_type: "application/pdf", content: base64(pdfBytes()) }]), 400, {
      param: "content[media][0][content_type]",
    });
    const audio = { type: "audio", content_type: "audio/ogg", content: base64(new TextEncoder().encode("OggS....")), caption: "x" };
    await expectError(await send([audio]), 400, { param: "content[media][0][caption]" });
    await expectError(
      await send([
        { type: "image", content_type: "image/png", content: base64(pngBytes()) },
        { type: "image", content_type: "image/png", content: base64(pngBytes()) },
      ]),
      400,
      {
        param: "content[media]",
      },
    );
    expect(await messageCount(account.id)).toBe(0);
  });

  it("an MMS's images total at most 5 MB", async () => {
    const account = await createAccount("test");
    // A PNG's first 27 bytes (base64 without padding), then 3 MB of zero bytes: two of them are 6 MB.
    const big = `${base64(pngBytes()).slice(0, 36)}${"A".repeat(4_000_000)}`;
    const media = [
      { content_type: "image/png", content: big },
      { content_type: "image/png", content: big },
    ];
    const res = await api("/v1/messages", { key: account.key, json: { channel: "SMS", to: "+14155550123", content: { text: "hi", media } } });
    await expectError(res, 413, { param: "content[media][1]", code: "media_too_large" });
  });
});
