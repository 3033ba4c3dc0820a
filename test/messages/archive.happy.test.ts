// The R2 archive: a day of final messages past the hot window moves to gzip
// objects, and retrieve and list read through them as if they were still in D1.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { insertMessageWithMedia } from "../../src/db/media.ts";
import { sweepMedia } from "../../src/delivery/media-release.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount, messageDb } from "../support/db.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";
import { archiveAll, DAY_MS, dayStartDaysAgo, delivered, expireAll, HOUR_MS, type ListPage, ONE_SHARD, walk } from "./archive.fixture.ts";
import { pdfBytes, sha256, storedObjects } from "./attachments.fixture.ts";

/** The account's messages counted in its usage rollups (shard 0). */
async function usageCount(accountId: string): Promise<number> {
  return (
    (await env.MESSAGES_DB_0.prepare("SELECT coalesce(sum(count), 0) AS n FROM usage_rollups WHERE account_id = ?").bind(accountId).first<number>("n")) ?? 0
  );
}

describe("the R2 archive", () => {
  it("moves a day past the hot window to one object, and retrieve and list (forward and back) read through it", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const old = await delivered(account, dayStart + 3 * HOUR_MS, 5);
    const young = await delivered(account, Date.now() - HOUR_MS, 2);
    await archiveAll();

    expect(await messageCount(account.id)).toBe(2);
    const day = new Date(dayStart).toISOString().slice(0, 10);
    const object = await env.ARCHIVE.head(`${account.id}/${account.placement.home}/${day}/0.jsonl.gz`);
    expect(object?.customMetadata).toEqual({ count: "5", first: old[0], last: old[4] });

    const retrieved = await api(`/v1/messages/${old[2]}`, { key: account.key });
    expect(retrieved.status).toBe(200);
    expect(await retrieved.json()).toMatchObject({ id: old[2], status: "delivered", content: { text: "message 2" } });
    expect((await api(`/v1/messages/${old[2]}`, { key: (await createAccount()).key })).status).toBe(404);

    const newestFirst = [...young.reverse(), ...old.reverse()];
    const { forward, back } = await walk(account, 3);
    expect(forward).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
    // Back from the last page: the pages before it, as they were going forward.
    expect(back).toEqual(forward.slice(0, -1));

    const filtered = await (await api(`/v1/messages?status=delivered&created[lte]=${Math.floor((dayStart + 4 * HOUR_MS) / 1000)}`, { key: account.key })).json<{
      data: { id: string }[];
    }>();
    expect(filtered.data.map((message) => message.id)).toEqual(old);
  });

  it("a redaction reaches the archived message's object", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(8);
    const [kept, redacted] = await delivered(account, dayStart + HOUR_MS, 2);
    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);

    expect((await api(`/v1/messages/${redacted}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    const retrieved = await (await api(`/v1/messages/${redacted}`, { key: account.key })).json<{ content: unknown; redacted_at: number | null }>();
    expect(retrieved.content).toBeNull();
    expect(retrieved.redacted_at).toEqual(expect.any(Number));
    const day = new Date(dayStart).toISOString().slice(0, 10);
    const rows = await readArchivedPart(env.ARCHIVE, `${account.id}/${account.placement.home}/${day}/0.jsonl.gz`);
    expect(rows?.map((row) => [row.id, row.content])).toEqual([
      [kept, { text: "message 0" }],
      [redacted, {}],
    ]);
    expect(JSON.stringify(rows)).not.toContain("message 1");
  });

  it("retention deletes an archived day past retention_days whole, with its usage; usage stays while it is archived", async () => {
    const [expiring, kept] = [await createAccount("test", { placement: ONE_SHARD }), await createAccount("test", { placement: ONE_SHARD })];
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(expiring, dayStart + HOUR_MS, 3);
    const [keptId] = await delivered(kept, dayStart + HOUR_MS, 1);
    expect(await usageCount(expiring.id)).toBe(3);
    await archiveAll();
    expect(await messageCount(expiring.id)).toBe(0);
    expect(await usageCount(expiring.id)).toBe(3);

    expect((await api("/v1/account", { key: expiring.key, json: { retention_days: 9 } })).status).toBe(200);
    await expireAll();
    const day = new Date(dayStart).toISOString().slice(0, 10);
    expect(await env.ARCHIVE.head(`${expiring.id}/0/${day}/0.jsonl.gz`)).toBeNull();
    for (const id of ids) expect((await api(`/v1/messages/${id}`, { key: expiring.key })).status).toBe(404);
    expect((await (await api("/v1/messages", { key: expiring.key })).json<ListPage>()).data).toEqual([]);
    expect(await usageCount(expiring.id)).toBe(0);
    // The default 400 days: still archived, still answered.
    expect((await api(`/v1/messages/${keptId}`, { key: kept.key })).status).toBe(200);
  });

  it("an expired archived message's file is released with it, and served while it is archived", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const bytes = pdfBytes();
    const sha = await sha256(bytes);
    const at = Date.now() - 10 * DAY_MS;
    const id = idCreatedAt(account, at);
    const ref = { id: "att_0123456789abcdef01234567", filename: "invoice.pdf", content_type: "application/pdf", size: bytes.byteLength, sha256: sha };
    await env.MEDIA.put(`${account.id}/${sha}`, bytes);
    const content = { subject: "Invoice", text: "Attached.", attachments: [ref] };
    const row = { id, accountId: account.id, mode: "test" as const, channel: "email" as const, to: "ada@example.com", from: "billing@acme.example" };
    await insertMessageWithMedia(
      messageDb(id),
      { ...row, content, rendered: { channel: "email", ...content }, status: "delivered", createdAt: Math.floor(at / 1000) },
      [ref],
    );
    await archiveAll();
    const file = await api(`/v1/messages/${id}/attachments/${ref.id}`, { key: account.key });
    await file.body?.cancel();
    expect(file.status).toBe(200);

    expect((await api("/v1/account", { key: account.key, json: { retention_days: 9 } })).status).toBe(200);
    await expireAll();
    await sweepMedia(env, Date.now());
    expect(await storedObjects(account.id)).toEqual([]);
  });

  it("a run repeated after a crash between the object's write and the rows' delete neither loses nor duplicates", async () => {
    const account = await createAccount();
    const dayStart = dayStartDaysAgo(9);
    const old = await delivered(account, dayStart + HOUR_MS, 3);
    await archiveAll();
    // The crash: the object was written, the rows were not deleted (put back as they were).
    for (const [i, id] of old.entries())
      await storeMessage(account, { id, createdAt: Math.floor((dayStart + HOUR_MS + i * 60_000) / 1000), status: "delivered" });
    const listed = async () => (await (await api("/v1/messages", { key: account.key })).json<{ data: { id: string }[] }>()).data.map((message) => message.id);
    expect(await listed()).toEqual([...old].reverse());
    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);
    expect(await listed()).toEqual([...old].reverse());
  });
});
