// Two archive runs over one account's day at once (a run that outlives its
// minute and the next one): the account's lease lets one step at a time, a
// run finding it held passes the account over, and a run that stalled past its
// lease writes nothing after another took the account over.

import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { releaseArchiveLease, takeArchiveLease } from "../../src/db/archive-leases.ts";
import { archiveColdMessages } from "../../src/services/archive.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import { runRetentionTask } from "../../src/services/retention-tasks.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, messageCount, messageDb } from "../support/db.ts";
import { hold } from "../support/hold.ts";
import { runQueueBatch } from "../support/queue.ts";
import { archiveAll, dayOf, dayStartDaysAgo, delivered, expireAll, HOUR_MS, idsByPart, ONE_SHARD, partsOf, whatsappProjection } from "./archive.fixture.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const run = (nowMs = Date.now()) => archiveColdMessages(env, workerControl(env), nowMs);

const setStatus = (id: string, status: string) =>
  messageDb(id).$client.prepare("UPDATE messages SET status = ?, projection_seq = projection_seq + 1 WHERE id = ?").bind(status, id).run();

/** The first read of `key` waits, before R2 answers it, until the test releases it; every other read goes through. */
function holdFirstRead(key: string) {
  const gate = hold();
  const get = env.ARCHIVE.get.bind(env.ARCHIVE);
  let held = false;
  vi.spyOn(env.ARCHIVE, "get").mockImplementation((async (name: string, options?: R2GetOptions) => {
    if (name === key && !held) {
      held = true;
      await gate.wait();
    }
    return get(name, options);
  }) as R2Bucket["get"]);
  return gate;
}

/** The read-back of the first write of `key` (R2 has stored it and answered the read) waits until the test releases it. */
function holdAfterFirstWrite(key: string) {
  const gate = hold();
  const [get, put] = [env.ARCHIVE.get.bind(env.ARCHIVE), env.ARCHIVE.put.bind(env.ARCHIVE)];
  let written = false;
  let held = false;
  vi.spyOn(env.ARCHIVE, "put").mockImplementation((async (...args: Parameters<R2Bucket["put"]>) => {
    const stored = await put(...args);
    if (args[0] === key) written = true;
    return stored;
  }) as R2Bucket["put"]);
  vi.spyOn(env.ARCHIVE, "get").mockImplementation((async (name: string, options?: R2GetOptions) => {
    const object = await get(name, options);
    if (name !== key || !written || held || !object) return object;
    held = true;
    // The read-back as R2 answered it then, held in memory (the object is rewritten meanwhile).
    const bytes = await object.arrayBuffer();
    await gate.wait();
    return { etag: object.etag, body: new Blob([bytes]).stream() } as R2ObjectBody;
  }) as R2Bucket["get"]);
  return gate;
}

describe("two archive runs over one account's day", () => {
  it("a run finding the account's lease held passes it over; every message ends in exactly one part", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(11);
    const day = dayOf(dayStart);
    const head = await delivered(account, dayStart + HOUR_MS, 5);
    await archiveAll();
    expect(await idsByPart(account.id, day)).toEqual([head]);
    // Two more final, and one still under way.
    const tail = [...(await delivered(account, dayStart + 2 * HOUR_MS, 2)), ...(await delivered(account, dayStart + 3 * HOUR_MS, 1, { status: "sent" }))];
    const key = `${account.id}/0/${day}/0.jsonl.gz`;

    // The first run reads the two final ones and the day's index (its last part ends at the head), then waits on
    // reading that part...
    const gate = holdFirstRead(key);
    const first = run();
    await gate.reached();
    // ...while the third turns final and a second run comes.
    await setStatus(tail[2]!, "delivered");
    const second = await run();
    gate.release();
    await first;
    await archiveAll();

    // Before the lease, the second run wrote all three into part 0 and deleted their rows; the first then cut the
    // part back to the two it had read (the third looked like a crashed write's), and the third was lost.
    expect(await messageCount(account.id)).toBe(0);
    expect((await idsByPart(account.id, day)).flat()).toEqual([...head, ...tail]);
    expect(second.held).toBeGreaterThan(0);
  });

  it("a lease run out is taken over, and the stalled holder then writes no index row and deletes nothing", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(11);
    const day = dayOf(dayStart);
    const first = await delivered(account, dayStart + HOUR_MS, 3);
    const key = `${account.id}/0/${day}/0.jsonl.gz`;

    // A run whose clock is ten minutes back (its lease, two minutes from there, has run out by now) writes part 0
    // and stalls before its index row...
    const gate = holdAfterFirstWrite(key);
    const stalled = run(Date.now() - 10 * 60_000);
    await gate.reached();
    // ...a fourth message turns final, and the next run takes the account over and archives all four.
    const late = await delivered(account, dayStart + 2 * HOUR_MS, 1);
    await archiveAll();
    expect(await messageCount(account.id)).toBe(0);
    const taken = await partsOf(account.id, day);
    expect(taken.map(({ part, count, lastId }) => ({ part, count, lastId }))).toEqual([{ part: 0, count: 4, lastId: late[0] }]);

    gate.release();
    await stalled;
    // Its index row would say 3 messages ending at the third, and its part's list bounds would hide the fourth.
    expect(await partsOf(account.id, day)).toEqual(taken);
    expect(await idsByPart(account.id, day)).toEqual([[...first, ...late]]);
  });

  it("an expiry and a fold pass over an account whose lease another run holds, and do their work once it is released", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(11);
    const [id] = await delivered(account, dayStart + HOUR_MS, 1, { channel: "whatsapp", projectionSeq: 5 });
    await archiveAll();
    const key = `${account.id}/0/${dayOf(dayStart)}/0.jsonl.gz`;
    // A late read to fold, and a retention that puts the day past it.
    await runQueueBatch("omniflow-projections", [whatsappProjection(account.id, id!, 9, "read")]);
    expect((await api("/v1/account", { key: account.key, json: { retention_days: 10 } })).status).toBe(200);

    // Another run holds the account's lease (taken as a run takes it, running out two minutes from now).
    const lease = await takeArchiveLease(db(), account.id, Date.now(), Date.now() + 120_000);
    expect(lease).not.toBeNull();
    expect((await run()).held).toBeGreaterThan(0);
    expect((await runRetentionTask(env, workerControl(env), { kind: "archive", accountId: account.id }, Date.now())).held).toBe(true);
    expect((await readArchivedPart(env.ARCHIVE, key))?.map((row) => row.status)).toEqual(["delivered"]);
    expect(await partsOf(account.id, dayOf(dayStart))).toHaveLength(1);

    await releaseArchiveLease(db(), lease!);
    await archiveAll();
    expect((await readArchivedPart(env.ARCHIVE, key))?.map((row) => row.status)).toEqual(["read"]);
    await expireAll();
    expect(await env.ARCHIVE.head(key)).toBeNull();
    expect(await partsOf(account.id, dayOf(dayStart))).toEqual([]);
  });
});
