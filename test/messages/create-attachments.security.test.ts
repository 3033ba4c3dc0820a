// Who can read a message's file: the account's full-access keys, and the
// holder of a signed URL until it expires; never another account, a
// sending-only key, or an altered or expired token.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { mediaPath } from "../../src/delivery/media-links.ts";
import { newId, newMessageId } from "../../src/domain/ids.ts";
import { signMediaToken } from "../../src/domain/media-token.ts";
import { addKey, createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { db } from "../support/db.ts";
import { emailWith, pdfAttachment } from "./attachments.fixture.ts";

async function sent(account: TestAccount): Promise<{ id: string; attachmentId: string }> {
  const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment()] }) });
  const created = await res.json<{ id: string; content: { attachments: { id: string }[] } }>();
  return { id: created.id, attachmentId: created.content.attachments[0]!.id };
}

describe("GET /v1/messages/:id/attachments/:attachment_id", () => {
  it("is a 404 to another account, and another message's attachment id is not this message's", async () => {
    const owner = await createAccount("test");
    const other = await createAccount("test");
    const { id, attachmentId } = await sent(owner);
    await expectError(await api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: other.key }), 404, { code: "resource_missing", param: "id" });
    const second = await sent(owner);
    await expectError(await api(`/v1/messages/${second.id}/attachments/${attachmentId}`, { key: owner.key }), 404, { param: "attachment_id" });
  });

  it("is a 403 to a sending_access key, and a 401 without a key", async () => {
    const account = await createAccount("test");
    const { id, attachmentId } = await sent(account);
    const sending = await addKey(account.id, "test", "sending_access");
    await expectError(await api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: sending.key }), 403, { type: "permission_error" });
    await expectError(await api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: null }), 401, { type: "authentication_error" });
  });
});

describe("GET /v1/media/:token", () => {
  it("serves the file without a key, and a 404 for a token altered in any part", async () => {
    const account = await createAccount("test");
    const { id, attachmentId } = await sent(account);
    const path = (await mediaPath(env, db(), account.id, id, attachmentId))!;
    expect((await api(path, { key: null })).status).toBe(200);
    const token = path.slice("/v1/media/".length);
    const parts = token.split(".");
    const other = await sent(account);
    const altered = [
      // Another attachment, the same signature.
      [parts[0], parts[1], other.attachmentId, parts[3], parts[4]].join("."),
      // A later expiry, the same signature.
      [parts[0], parts[1], parts[2], String(Number(parts[3]) + 86_400), parts[4]].join("."),
      // A signature with one character changed.
      `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`,
      "not-a-token",
    ];
    for (const bad of altered) await expectError(await api(`/v1/media/${bad}`, { key: null }), 404, { code: "resource_missing" });
  });

  it("is a 404 once expired, and for a token signed with another account's secret or naming another account's message", async () => {
    const account = await createAccount("test");
    const other = await createAccount("test");
    const { id, attachmentId } = await sent(account);
    const secretOf = async (of: TestAccount) => of.webhookSecret;
    const now = Math.floor(Date.now() / 1000);
    const expired = await signMediaToken(await secretOf(account), { accountId: account.id, messageId: id, attachmentId, expiresAt: now - 1 });
    await expectError(await api(`/v1/media/${expired}`, { key: null }), 404, {});
    const valid = await signMediaToken(await secretOf(account), { accountId: account.id, messageId: id, attachmentId, expiresAt: now + 60 });
    expect((await api(`/v1/media/${valid}`, { key: null })).status).toBe(200);
    // The other account signs a token for this account's message: its secret is not this account's.
    const forged = await signMediaToken(await secretOf(other), { accountId: account.id, messageId: id, attachmentId, expiresAt: now + 60 });
    await expectError(await api(`/v1/media/${forged}`, { key: null }), 404, {});
    // The other account's own valid token for this account's message and attachment: the message is not its own.
    const crossed = await signMediaToken(await secretOf(other), { accountId: other.id, messageId: id, attachmentId, expiresAt: now + 60 });
    await expectError(await api(`/v1/media/${crossed}`, { key: null }), 404, {});
  });

  it("is a 404 for a made-up token without a read of the control database: a forgery costs one message-database read", async () => {
    const now = Math.floor(Date.now() / 1000);
    const attachmentId = `att_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const made = await signMediaToken("whsec_made_up", { accountId: newId("acct"), messageId: newMessageId(0), attachmentId, expiresAt: now + 60 });
    const control = vi.spyOn(env.CONTROL_DB, "prepare");
    await expectError(await api(`/v1/media/${made}`, { key: null }), 404, { code: "resource_missing" });
    expect(control).not.toHaveBeenCalled();
    control.mockRestore();
  });
});
