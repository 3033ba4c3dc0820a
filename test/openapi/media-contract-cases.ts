// Contract cases of the attachment routes (spread into contractCases): a
// message with a PDF attachment, its file by key and by signed URL; an SMS
// whose image went as a link, its file by that link.
import { env } from "cloudflare:workers";
import { mediaPath } from "../../src/delivery/media-links.ts";
import { emailWith, linkedSms, mediaLinkToken, pdfAttachment, pngBytes } from "../messages/attachments.fixture.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";

/** contract-cases.ts's shape, restated (it imports this file, so importing it back would be a cycle). */
type ContractCase = (account: TestAccount) => Promise<Response>;
async function withAttachment(account: TestAccount): Promise<{ id: string; attachmentId: string }> {
  const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment()] }) });
  const created = await res.json<{ id: string; content: { attachments: { id: string }[] } }>();
  return { id: created.id, attachmentId: created.content.attachments[0]!.id };
}

/** The path of the link to an SMS's image (sent as a link to a French number), signed as the hand-off signs it. */
async function linkPath(account: TestAccount): Promise<string> {
  const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "Your ticket", [pngBytes()]) });
  const { id } = await res.json<{ id: string }>();
  return `/m/${await mediaLinkToken(account.webhookSecret, account.id, id, 0, Math.floor(Date.now() / 1000) + 3600)}`;
}

export const mediaContractCases: Record<string, Record<number, ContractCase>> = {
  "GET /v1/messages/{id}/attachments/{attachment_id}": {
    200: async (account) => {
      const { id, attachmentId } = await withAttachment(account);
      return api(`/v1/messages/${id}/attachments/${attachmentId}`, { key: account.key });
    },
    400: (account) => api(`/v1/messages/msg_${"0".repeat(70)}/attachments/att_0`, { key: account.key }),
    404: async (account) => {
      const { id } = await withAttachment(account);
      return api(`/v1/messages/${id}/attachments/att_${"0".repeat(24)}`, { key: account.key });
    },
  },
  "GET /v1/media/{token}": {
    200: async (account) => {
      const { id, attachmentId } = await withAttachment(account);
      return api((await mediaPath(env, db(), account.id, id, attachmentId))!, { key: null });
    },
    404: async (account) => {
      const { id, attachmentId } = await withAttachment(account);
      const path = (await mediaPath(env, db(), account.id, id, attachmentId))!;
      return api(`${path.slice(0, -1)}${path.endsWith("A") ? "B" : "A"}`, { key: null });
    },
  },
  "GET /m/{token}": {
    200: async (account) => api(await linkPath(account), { key: null }),
    404: async (account) => {
      const path = await linkPath(account);
      return api(`${path.slice(0, -1)}${path.endsWith("A") ? "B" : "A"}`, { key: null });
    },
  },
};
