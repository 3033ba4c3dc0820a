// The R2 archive when two writers meet: an object rewrite is conditional on
// the object as it was read, so a stale writer fails instead of undoing a
// redaction made meanwhile.

import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { archiveColdMessages } from "../../src/services/archive.ts";
import { readArchivedObject, readArchivedPart, writeArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";

const DAY_MS = 86_400_000;

/**
 * Archive runs until `key` is held (other test files' old messages share the databases, so "until nothing moved"
 * would archive theirs too); at most 20 runs.
 */
async function archiveUntilHeld(key: string): Promise<void> {
  for (let run = 0; run < 20 && !(await env.ARCHIVE.head(key)); run++) await archiveColdMessages(env, workerControl(env), Date.now());
}

describe("the R2 archive's run", () => {
  it("passes over an account whose oldest day is expiring, and archives the other accounts' days meanwhile", async () => {
    // The expiring account: 1-day retention and a final message 30 days old, older than anything else here, which
    // only retention may delete. Before, the run stopped at it, and no account of this database was archived.
    const expiring = await createAccount("test", { placement: { home: 0, write: [0], read: [0] }, retentionDays: 1 });
    const old = Date.now() - 3000 * DAY_MS;
    await storeMessage(expiring, { id: idCreatedAt(expiring, old), createdAt: Math.floor(old / 1000), status: "delivered" });
    const account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const at = Date.now() - 12 * DAY_MS;
    await storeMessage(account, { id: idCreatedAt(account, at), createdAt: Math.floor(at / 1000), status: "delivered" });

    await archiveColdMessages(env, workerControl(env), Date.now(), { stepsPerRun: 50 });
    expect(await env.ARCHIVE.head(`${account.id}/0/${new Date(at).toISOString().slice(0, 10)}/0.jsonl.gz`)).not.toBeNull();
    // The expiring day is left to retention, not archived.
    expect(await env.ARCHIVE.head(`${expiring.id}/0/${new Date(old).toISOString().slice(0, 10)}/0.jsonl.gz`)).toBeNull();
  });
});

describe("the R2 archive's object rewrites", () => {
  it("a writer holding the object as it was before a redaction fails, and the redaction stays", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const at = Date.now() - 12 * DAY_MS;
    const id = await storeMessage(account, {
      id: idCreatedAt(account, at),
      createdAt: Math.floor(at / 1000),
      status: "delivered",
      content: { text: "secret" },
    });
    const key = `${account.id}/0/${new Date(at).toISOString().slice(0, 10)}/0.jsonl.gz`;
    await archiveUntilHeld(key);

    // The stale writer read the object here (as an archive run merging the day would)...
    const stale = await readArchivedObject(env.ARCHIVE, key);
    // ...then the message is redacted...
    expect((await api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" })).status).toBe(200);
    // ...and the stale writer's rewrite, with the content, is refused.
    await expect(writeArchivedPart(env.ARCHIVE, key, stale!.rows, stale!.etag)).rejects.toThrow("changed while it was rewritten");
    const rows = await readArchivedPart(env.ARCHIVE, key);
    expect(rows?.map((row) => row.content)).toEqual([{}]);
  });
});

describe("a redaction meeting another writer", () => {
  it("reads the part again when it was rewritten between its read and its write, and redacts that", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const at = Date.now() - 12 * DAY_MS;
    const [id, other] = [idCreatedAt(account, at), idCreatedAt(account, at + 60_000)];
    for (const each of [id, other])
      await storeMessage(account, { id: each, createdAt: Math.floor(at / 1000), status: "delivered", content: { text: "secret" } });
    const key = `${account.id}/0/${new Date(at).toISOString().slice(0, 10)}/0.jsonl.gz`;
    await archiveUntilHeld(key);

    // Right before the redaction's write, another writer (a run folding a late change) rewrites the part.
    const put = env.ARCHIVE.put.bind(env.ARCHIVE);
    let rewrites = 0;
    vi.spyOn(env.ARCHIVE, "put").mockImplementation(async (...args: Parameters<R2Bucket["put"]>) => {
      if (args[0] === key && rewrites++ === 0) {
        const current = await readArchivedObject(env.ARCHIVE, key);
        const folded = current!.rows.map((row) => (row.id === other ? { ...row, status: "read" as const, projectionSeq: row.projectionSeq + 1 } : row));
        await writeArchivedPart(env.ARCHIVE, key, folded, current!.etag);
      }
      return put(...args);
    });
    const redacted = await api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" });
    vi.restoreAllMocks();
    expect(redacted.status).toBe(200);
    // The other writer's rewrite, the redaction's refused write, and its write over the part as read again.
    expect(rewrites).toBe(3);
    const rows = await readArchivedPart(env.ARCHIVE, key);
    expect(rows?.map((row) => [row.id, row.status, row.content])).toEqual([
      [id, "delivered", {}],
      [other, "read", { text: "secret" }],
    ]);
  });
});

describe("the archive's index unreachable", () => {
  it("a message past the hot window still in D1 is answered; an archived one is a 500, not a 404", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0], read: [0] } });
    const at = Date.now() - 12 * DAY_MS;
    const [inD1, archived] = [idCreatedAt(account, at), idCreatedAt(account, at + 60_000)];
    await storeMessage(account, { id: archived, createdAt: Math.floor(at / 1000), status: "delivered" });
    await archiveUntilHeld(`${account.id}/0/${new Date(at).toISOString().slice(0, 10)}/0.jsonl.gz`);
    await storeMessage(account, { id: inD1, createdAt: Math.floor(at / 1000), status: "sent" });

    const prepare = env.CONTROL_DB.prepare.bind(env.CONTROL_DB);
    vi.spyOn(env.CONTROL_DB, "prepare").mockImplementation((query: string) => {
      if (query.includes("archive_parts")) throw new Error("D1_ERROR: internal error");
      return prepare(query);
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await api(`/v1/messages/${inD1}`, { key: account.key })).status).toBe(200);
    const failed = await api(`/v1/messages/${archived}`, { key: account.key });
    await failed.body?.cancel();
    expect(failed.status).toBe(500);
    vi.restoreAllMocks();
    expect((await api(`/v1/messages/${archived}`, { key: account.key })).status).toBe(200);
  });
});
