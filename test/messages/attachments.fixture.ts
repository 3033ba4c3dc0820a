// Files as the attachment tests send them, built here byte by byte (not by
// the code under test), and what R2 holds for an account.
import { env } from "cloudflare:workers";
import { vi } from "vitest";

const ascii = (text: string) => new TextEncoder().encode(text);

/** A small but well-formed PDF (header, one empty page, trailer); `marker` makes its bytes, and so its hash, unique. */
export function pdfBytes(marker = crypto.randomUUID()): Uint8Array {
  return ascii(
    `%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

/** The 8-byte PNG signature and an IHDR chunk's start: what a PNG begins with. */
export function pngBytes(): Uint8Array {
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
}

/** Base64 by the platform's btoa (not the code under test); the files here are small. */
export const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** SHA-256 in hex. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** An email create whose content carries `attachments` (and any other content fields). */
export function emailWith(content: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return {
    channel: "EMAIL",
    to: "ada@example.com",
    from: "billing@acme.example",
    content: { subject: "Your invoice", text: "Attached.", ...content },
    ...overrides,
  };
}

/** An invoice PDF attachment as a create gives it. */
export const pdfAttachment = (bytes = pdfBytes(), filename = "invoice.pdf") => ({ filename, content_type: "application/pdf", content: base64(bytes) });

/** The keys of the account's objects in the MEDIA bucket. */
export async function storedObjects(accountId: string): Promise<string[]> {
  const listed = await env.MEDIA.list({ prefix: `${accountId}/` });
  return listed.objects.map((object) => object.key);
}

/** A public file host at a name of its own, answering each request with `respond` (undo with vi.restoreAllMocks()). */
export function fakeFileHost(respond: () => Response) {
  const name = `files-${crypto.randomUUID().slice(0, 8)}.cdn-example.com`;
  const state = { name, requests: 0 };
  // Another fake's answers (test/support/fake-http.ts) for every other host: its mock, when fetch is one already.
  const current = globalThis.fetch;
  const previous: typeof fetch = vi.isMockFunction(current) ? (current.getMockImplementation() as typeof fetch) : current;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(new Request(input, init).url);
    if (url.hostname !== name) return previous(input, init);
    state.requests += 1;
    return respond();
  });
  return state;
}

/** A GIF's header and logical screen: what a GIF begins with (and bytes apart from pngBytes'). */
export function gifBytes(): Uint8Array {
  return new Uint8Array([...ascii("GIF89a"), 1, 0, 1, 0, 0, 0, 0]);
}

/** An SMS create with images whose files go as links where MMS does not (content[mms_fallback] link). */
export function linkedSms(to: string, text: string, images: Uint8Array[], overrides: Record<string, unknown> = {}) {
  const media = images.map((bytes) => ({ content_type: bytes[0] === 0x89 ? "image/png" : "image/gif", content: base64(bytes) }));
  return { channel: "SMS", to, content: { text, media, mms_fallback: "link" }, ...overrides };
}

/** The body of the last request the fake providers got for `host`. */
export function sentBody(fake: { requests: { url: URL; body: string }[] }, host: string): string {
  const sent = fake.requests.filter((request) => request.url.hostname === host).at(-1);
  if (!sent) throw new Error(`no request to ${host}`);
  return sent.body;
}

/**
 * A media link's token made as docs/attachments.md describes it, apart from
 * src/: base64url of the message id's 16 bytes, the file's index, the expiry
 * (Unix seconds, 4 bytes big-endian), and the first 15 bytes of the HMAC-SHA256,
 * under `secret`, of "omniflow-media-link:<account id>:<those 21 bytes in hex>".
 */
export async function mediaLinkToken(secret: string, accountId: string, messageId: string, index: number, expiresAt: number): Promise<string> {
  const claims = new Uint8Array(21);
  claims.set(
    messageId
      .slice(4)
      .match(/../g)!
      .map((pair) => Number.parseInt(pair, 16)),
  );
  claims[16] = index;
  new DataView(claims.buffer).setUint32(17, expiresAt);
  const hexOf = (bytes: Uint8Array) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`omniflow-media-link:${accountId}:${hexOf(claims)}`)));
  const token = new Uint8Array([...claims, ...mac.subarray(0, 15)]);
  return btoa(String.fromCharCode(...token))
    .replaceAll("+", "-")
    .replaceAll("/", "_");
}
