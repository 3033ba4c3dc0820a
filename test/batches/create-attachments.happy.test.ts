// Attachments in a batch: every item may carry content.attachments, each
// distinct file is stored once per account in R2 before the inserts, and
// each message shows its files and serves their bytes as a single create's does.
import { afterEach, describe, expect, it, vi } from "vitest";
import { emailWith, linkedSms, pdfAttachment, pdfBytes, pngBytes, sha256, storedObjects } from "../messages/attachments.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { waitForStatus } from "../support/wait.ts";
import { sendBatch } from "./batches.fixture.ts";

useFakeProviders();
afterEach(() => vi.restoreAllMocks());

interface Created {
  id: string;
  content: { attachments: { id: string; filename: string; size: number; sha256: string }[] };
}

describe("POST /v1/messages/batch with attachments", () => {
  it("stores one R2 object per distinct file for 4 items sharing one invoice (one with a second file), and each message serves its bytes", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    const invoice = pdfBytes();
    const terms = pdfBytes();
    const messages = [0, 1, 2, 3].map((i) =>
      emailWith(
        { attachments: i === 3 ? [pdfAttachment(invoice), pdfAttachment(terms, "terms.pdf")] : [pdfAttachment(invoice)] },
        { to: `ada+${i}@example.com` },
      ),
    );
    const res = await sendBatch(account, { messages });
    expect(res.status).toBe(201);
    const batch = await res.json<{ data: Created[]; errors: unknown[] }>();
    expect(batch.errors).toEqual([]);
    expect(batch.data.map((m) => m.content.attachments.map((a) => [a.filename, a.size, a.sha256]))).toEqual([
      [["invoice.pdf", invoice.byteLength, await sha256(invoice)]],
      [["invoice.pdf", invoice.byteLength, await sha256(invoice)]],
      [["invoice.pdf", invoice.byteLength, await sha256(invoice)]],
      [
        ["invoice.pdf", invoice.byteLength, await sha256(invoice)],
        ["terms.pdf", terms.byteLength, await sha256(terms)],
      ],
    ]);
    expect((await storedObjects(account.id)).sort()).toEqual([`${account.id}/${await sha256(invoice)}`, `${account.id}/${await sha256(terms)}`].sort());

    for (const message of batch.data) {
      for (const [i, shown] of message.content.attachments.entries()) {
        const file = await api(`/v1/messages/${message.id}/attachments/${shown.id}`, { key: account.key });
        expect(file.status).toBe(200);
        expect(new Uint8Array(await file.arrayBuffer())).toEqual(i === 0 ? invoice : terms);
      }
    }
    await waitForStatus(account, batch.data[3]!.id, ["delivered"]);
  });

  it("sends an item's SMS images as links where MMS does not go, counting them as a single create does", async () => {
    const account = await createAccount("test");
    const text = "a".repeat(120);
    const messages = [linkedSms("+33612345678", text, [pngBytes()]), linkedSms("+14155550123", text, [pngBytes()])];
    const res = await sendBatch(account, { messages });
    expect(res.status).toBe(201);
    const batch = await res.json<{ data: { mms_fallback_applied: boolean; segments: number }[]; errors: unknown[] }>();
    expect(batch.errors).toEqual([]);
    // 120 characters and a 76-character link on a line of its own: 197 GSM-7 characters, two segments; the MMS's text alone, one.
    expect(batch.data.map((m) => [m.mms_fallback_applied, m.segments])).toEqual([
      [true, 2],
      [false, 1],
    ]);
  });
});
