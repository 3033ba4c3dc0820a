// A template header's file is the message's file like any other: only its
// account reads it back, and once the message's content goes (discard) neither
// the API nor a signed URL serves it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mediaPath } from "../../src/delivery/media-links.ts";
import { base64, pdfBytes } from "../messages/attachments.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";
import { waitForStatus } from "../support/wait.ts";

async function sendTicket(account: TestAccount, extra: Record<string, unknown> = {}) {
  await createTemplate(account, { id: "ticket", whatsapp: { name: "ticket_ready", language: "en_US", header: { format: "document" } } });
  const media = [{ type: "document", content_type: "application/pdf", content: base64(pdfBytes()), filename: "ticket.pdf" }];
  const res = await api("/v1/messages", {
    key: account.key,
    json: { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "ticket", media }, ...extra },
  });
  expect(res.status).toBe(201);
  const created = await res.json<{ id: string; content: { media: { id: string }[] } }>();
  return { id: created.id, attachmentId: created.content.media[0]!.id };
}

async function reads(account: TestAccount, { id, attachmentId }: { id: string; attachmentId: string }): Promise<[number, number]> {
  const byKey = await api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: account.key });
  const byUrl = await api((await mediaPath(env, db(), account.id, id, attachmentId))!, { key: null });
  await Promise.all([byKey.body?.cancel(), byUrl.body?.cancel()]);
  return [byKey.status, byUrl.status];
}

describe("a template header's file", () => {
  it("is read back by its account's key and not by another account's", async () => {
    const account = await createAccount();
    const sent = await sendTicket(account);
    expect(await reads(account, sent)).toEqual([200, 200]);
    const other = await createAccount();
    const res = await api(`/v1/messages/${sent.id}/attachments/${sent.attachmentId}`, { key: other.key });
    expect(res.status).toBe(404);
  });

  it("is unreachable by key and by signed URL once a discard message is delivered", async () => {
    const account = await createAccount();
    const sent = await sendTicket(account, { content_retention: "discard" });
    await waitForStatus(account, sent.id, ["delivered", "read"]);
    expect(await reads(account, sent)).toEqual([404, 404]);
  });
});
