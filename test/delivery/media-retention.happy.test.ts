// A message's files under its retention rules: once its content goes (discard
// when final, a redact, retention_days), neither the API nor a signed URL
// serves them, and the R2 object goes once no message of the account refers
// to it and no create claimed it in the last 15 minutes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertMessageWithMedia } from "../../src/db/media.ts";
import { mediaPath } from "../../src/delivery/media-links.ts";
import { sweepMedia } from "../../src/delivery/media-release.ts";
import { base64, emailWith, pdfAttachment, pdfBytes, pngBytes, sha256, storedObjects } from "../messages/attachments.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, messageDb } from "../support/db.ts";
import { idCreatedAt, runConsumer } from "../support/queue.ts";
import { retainAll } from "../support/retention.ts";
import { waitForStatus } from "../support/wait.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface Sent {
  id: string;
  attachmentId: string;
}

async function sendPdf(account: TestAccount, bytes: Uint8Array, extra: Record<string, unknown> = {}): Promise<Sent> {
  const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment(bytes)] }, extra) });
  expect(res.status).toBe(201);
  const created = await res.json<{ id: string; content: { attachments: { id: string }[] } }>();
  return { id: created.id, attachmentId: created.content.attachments[0]!.id };
}

/** The two ways to read a file back: the account's key, and a signed URL made as the Console and providers get one. */
async function reads(account: TestAccount, { id, attachmentId }: Sent): Promise<[number, number]> {
  const byKey = await api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: account.key });
  const path = await mediaPath(env, db(), account.id, id, attachmentId);
  const byUrl = await api(path!, { key: null });
  await Promise.all([byKey.body?.cancel(), byUrl.body?.cancel()]);
  return [byKey.status, byUrl.status];
}

describe("content_retention discard", () => {
  it("makes the attachment unreachable once delivered (API and signed URL both 404), and R2 drops it after the claim's grace", async () => {
    const account = await createAccount("test");
    const bytes = pdfBytes();
    const sent = await sendPdf(account, bytes, { content_retention: "discard" });
    await waitForStatus(account, sent.id, ["delivered"]);
    expect(await reads(account, sent)).toEqual([404, 404]);
    // Created a moment ago: its create's claim keeps the file for now...
    await sweepMedia(env, Date.now());
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(bytes)}`]);
    // ...and the first run after the grace deletes it.
    await sweepMedia(env, Date.now() + 16 * MINUTE_MS);
    expect(await storedObjects(account.id)).toEqual([]);
  });

  it("does the same for a WhatsApp medium", async () => {
    const account = await createAccount("test");
    const png = pngBytes();
    const media = [{ type: "image", content_type: "image/png", content: base64(png) }];
    const body = { channel: "WHATSAPP", to: "+14155550123", content: { media }, content_retention: "discard" };
    const created = await (await api("/v1/messages", { key: account.key, json: body })).json<{ id: string; content: { media: { id: string }[] } }>();
    const sent = { id: created.id, attachmentId: created.content.media[0]!.id };
    await waitForStatus(account, sent.id, ["delivered", "read"]);
    expect(await reads(account, sent)).toEqual([404, 404]);
    await sweepMedia(env, Date.now() + 16 * MINUTE_MS);
    expect(await storedObjects(account.id)).toEqual([]);
  });
});

describe("POST /v1/messages/:id/redact", () => {
  it("serves the file before, and neither route after; a file another message still sends is kept until that one goes too", async () => {
    const account = await createAccount("test");
    const bytes = pdfBytes();
    const first = await sendPdf(account, bytes);
    const second = await sendPdf(account, bytes, { to: "grace@example.com" });
    await waitForStatus(account, first.id, ["delivered"]);
    await waitForStatus(account, second.id, ["delivered"]);
    expect(await reads(account, first)).toEqual([200, 200]);

    expect((await api(`/v1/messages/${first.id}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    expect(await reads(account, first)).toEqual([404, 404]);
    await sweepMedia(env, Date.now() + 16 * MINUTE_MS);
    expect(await storedObjects(account.id)).toHaveLength(1);
    expect(await reads(account, second)).toEqual([200, 200]);

    expect((await api(`/v1/messages/${second.id}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    expect(await reads(account, second)).toEqual([404, 404]);
    await sweepMedia(env, Date.now() + 16 * MINUTE_MS);
    expect(await storedObjects(account.id)).toEqual([]);
  });
});

describe("retention_days", () => {
  it("deletes the expired message's references with it, and the maintenance run its file", async () => {
    const account = await createAccount("test");
    expect((await api("/v1/account", { key: account.key, json: { retention_days: 30 } })).status).toBe(200);
    // A message created 31 days ago with a file, as its create stored it.
    const bytes = pdfBytes();
    const sha = await sha256(bytes);
    const at = Date.now() - 31 * DAY_MS;
    const id = idCreatedAt(account, at);
    const ref = { id: "att_0123456789abcdef01234567", filename: "invoice.pdf", content_type: "application/pdf", size: bytes.byteLength, sha256: sha };
    await env.MEDIA.put(`${account.id}/${sha}`, bytes);
    await insertMessageWithMedia(
      messageDb(id),
      {
        id,
        accountId: account.id,
        mode: "test",
        channel: "email",
        to: "ada@example.com",
        from: "billing@acme.example",
        content: { subject: "Invoice", text: "Attached.", attachments: [ref] },
        rendered: { channel: "email", subject: "Invoice", text: "Attached.", attachments: [ref] },
        status: "queued",
        createdAt: Math.floor(at / 1000),
      },
      [ref],
    );
    await runConsumer([id]);
    expect(await reads(account, { id, attachmentId: ref.id })).toEqual([200, 200]);

    await retainAll("messages");
    expect(await reads(account, { id, attachmentId: ref.id })).toEqual([404, 404]);
    await sweepMedia(env, Date.now());
    expect(await storedObjects(account.id)).toEqual([]);
  });
});
