// Changes that reach a message after the archive moved it (a WhatsApp `read`
// days later): the projection queue keeps them beside the archive, reads lay
// them over the archived row, the next run folds them into the part, exact
// under the queue's duplicates and reordering; and the readers besides the
// API's message routes (a batch's counts, the Console) see archived messages.

import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { archivedChanges } from "../../src/db/archive-schema.ts";
import { batches } from "../../src/db/control-schema.ts";
import type { Projection } from "../../src/db/projections.ts";
import { newId } from "../../src/domain/ids.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { db, messageCount } from "../support/db.ts";
import { idCreatedAt, runQueueBatch } from "../support/queue.ts";
import { archiveAll, dayOf, dayStartDaysAgo, delivered, expireAll, HOUR_MS, type ListPage, ONE_SHARD, whatsappProjection } from "./archive.fixture.ts";

const project = (projections: Projection[]) => runQueueBatch("omniflow-projections", projections);
const retrieve = async (account: TestAccount, id: string) => (await api(`/v1/messages/${id}`, { key: account.key })).json<{ status: string }>();
const listed = async (account: TestAccount, query: string) =>
  (await (await api(`/v1/messages?${query}`, { key: account.key })).json<ListPage>()).data.map((message) => message.id);
const heldChanges = (accountId: string) => db().select().from(archivedChanges).where(eq(archivedChanges.accountId, accountId));

describe("a change that reaches an archived message", () => {
  it("shows in its retrieve and list at once, survives duplicates and reordering, and is folded into its part by the next run", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const [id, other] = await delivered(account, dayStart + HOUR_MS, 2, { channel: "whatsapp", projectionSeq: 5 });
    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);

    // The read, then an older delivered view arriving after it, then the read again (at least once, any order).
    await project([whatsappProjection(account.id, id!, 20, "read")]);
    await project([whatsappProjection(account.id, id!, 10, "delivered")]);
    await project([whatsappProjection(account.id, id!, 20, "read")]);
    expect(await retrieve(account, id!)).toMatchObject({ status: "read" });
    expect(await retrieve(account, other!)).toMatchObject({ status: "delivered" });
    expect(await listed(account, "status=read")).toEqual([id]);
    expect((await heldChanges(account.id)).map(({ messageId, seq }) => ({ messageId, seq }))).toEqual([{ messageId: id, seq: 20 }]);

    await archiveAll();
    const rows = await readArchivedPart(env.ARCHIVE, `${account.id}/0/${dayOf(dayStart)}/0.jsonl.gz`);
    expect(rows?.map((row) => [row.id, row.status, row.projectionSeq])).toEqual([
      [id, "read", 20],
      [other, "delivered", 5],
    ]);
    expect(await heldChanges(account.id)).toEqual([]);
    // A duplicate of the folded change after the fold changes nothing.
    await project([whatsappProjection(account.id, id!, 10, "delivered")]);
    expect(await retrieve(account, id!)).toMatchObject({ status: "read" });
  });

  it("leaves usage as the message was archived, and its expiry takes out exactly that", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const [id] = await delivered(account, dayStartDaysAgo(10) + HOUR_MS, 1, { channel: "whatsapp", projectionSeq: 5 });
    const usage = async () =>
      (
        await env.MESSAGES_DB_0.prepare("SELECT status, sum(count) AS n FROM usage_rollups WHERE account_id = ? GROUP BY status ORDER BY status")
          .bind(account.id)
          .all<{ status: string; n: number }>()
      ).results.filter((group) => group.n !== 0);
    expect(await usage()).toEqual([{ status: "delivered", n: 1 }]);
    await archiveAll();
    await project([whatsappProjection(account.id, id!, 20, "read")]);
    await archiveAll();
    expect(await retrieve(account, id!)).toMatchObject({ status: "read" });
    expect(await usage()).toEqual([{ status: "delivered", n: 1 }]);

    expect((await api("/v1/account", { key: account.key, json: { retention_days: 9 } })).status).toBe(200);
    await expireAll();
    expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(404);
    expect(await usage()).toEqual([]);
  });

  it("a change of a message still in D1 past the hot window is not kept beside the archive", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const [id] = await delivered(account, dayStartDaysAgo(10) + HOUR_MS, 1, { channel: "whatsapp", status: "sent" });
    await project([whatsappProjection(account.id, id!, 20, "read")]);
    expect(await retrieve(account, id!)).toMatchObject({ status: "read" });
    expect(await heldChanges(account.id)).toEqual([]);
  });
});

describe("a change that reaches a message no part holds", () => {
  it("(deleted by retention while its projection was queued) is dropped by the next run instead of staying first in line", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const id = idCreatedAt(account, dayStartDaysAgo(10) + HOUR_MS);
    await project([whatsappProjection(account.id, id, 20, "read")]);
    expect((await heldChanges(account.id)).map((held) => held.messageId)).toEqual([id]);
    await archiveAll();
    expect(await heldChanges(account.id)).toEqual([]);
    expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(404);
  });
});

describe("readers of archived messages besides the message routes", () => {
  it("a batch's counts and its message list include its archived messages, late changes once folded", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const batchId = newId("bat");
    await db()
      .insert(batches)
      .values({ id: batchId, accountId: account.id, createdAt: Math.floor((dayStart + HOUR_MS) / 1000), validation: "strict", metadata: null });
    const ids = await delivered(account, dayStart + HOUR_MS, 3, { batchId, channel: "whatsapp" });
    const [failed] = await delivered(account, dayStart + 2 * HOUR_MS, 1, { batchId, status: "failed" });
    const counts = async () => await (await api(`/v1/batches/${batchId}`, { key: account.key })).json<{ counts: Record<string, number>; total: number }>();
    expect(await counts()).toMatchObject({ total: 4, counts: { delivered: 3, failed: 1, read: 0 } });

    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);
    expect(await counts()).toMatchObject({ total: 4, counts: { delivered: 3, failed: 1, read: 0 } });
    expect(await listed(account, `batch_id=${batchId}`)).toEqual([...ids, failed].reverse());

    await project([whatsappProjection(account.id, ids[0]!, 50, "read", batchId)]);
    await archiveAll();
    expect(await counts()).toMatchObject({ total: 4, counts: { delivered: 2, failed: 1, read: 1 } });
  });

  it("the Console's message page and list show an archived message", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const [id] = await delivered(account, dayStartDaysAgo(10) + HOUR_MS, 1, { content: { text: "archived hello" } });
    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);
    const session = await signIn(account);
    const page = await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(id);
    expect(html).toContain("archived hello");
    expect(await (await consoleFetch("/console/messages", { cookie: session.cookie })).text()).toContain(id);
  });
});
