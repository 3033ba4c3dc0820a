// The archive run's budget: steps over every message database, starting at one
// that rotates each minute (a budget below the number of databases still reaches
// each), and the late-change fold taking what the moves left, so a backlog of
// changes past the old 20 a run drains in one.

import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { archivedChanges } from "../../src/db/archive-schema.ts";
import worker from "../../src/index.ts";
import { archiveColdMessages } from "../../src/services/archive.ts";
import { readArchivedPart } from "../../src/services/archive-objects.ts";
import { workerControl } from "../../src/services/control.ts";
import { createAccount } from "../support/accounts.ts";
import { db, messageCount } from "../support/db.ts";
import { runQueueBatch } from "../support/queue.ts";
import { archiveAll, dayOf, dayStartDaysAgo, delivered, HOUR_MS, idsByPart, ONE_SHARD, whatsappProjection } from "./archive.fixture.ts";

/**
 * The Worker's env with four message databases: MESSAGES_DB_2 and _3 are the same D1s as _0 and _1 under another
 * binding. Each binding notes, per run, that a query reached it.
 */
function fourDatabases(touched: Set<number>): Env {
  const binding = (shard: number, d1: D1Database) =>
    new Proxy(d1, {
      get(target, name) {
        if (name === "prepare" || name === "batch") touched.add(shard);
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return {
    ...env,
    MESSAGES_DB_0: binding(0, env.MESSAGES_DB_0),
    MESSAGES_DB_1: binding(1, env.MESSAGES_DB_1),
    MESSAGES_DB_2: binding(2, env.MESSAGES_DB_0),
    MESSAGES_DB_3: binding(3, env.MESSAGES_DB_1),
  } as Env;
}

describe("the archive run's budget", () => {
  it("with a budget of one step and four databases, four runs in four minutes each step on a different one", async () => {
    // Old days on both real databases, more than the runs take.
    for (const shard of [0, 1]) {
      const account = await createAccount("test", { placement: { home: shard, write: [shard], read: [shard] } });
      for (let days = 20; days < 23; days++) await delivered(account, dayStartDaysAgo(days) + HOUR_MS, 1);
    }
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const stepped: number[][] = [];
    // Four successive minutes, the last being this one (a clock behind now archives no more than now would).
    for (let run = 3; run >= 0; run--) {
      const touched = new Set<number>();
      const report = await archiveColdMessages(fourDatabases(touched), workerControl(env), minute - run * 60_000, { runSteps: 1, foldSteps: 0 });
      expect(report.moved).toBeGreaterThan(0);
      stepped.push([...touched]);
    }
    // Each run's one step is on the database its minute starts at, and so no database waits behind the others.
    expect(stepped.map((databases) => databases.length)).toEqual([1, 1, 1, 1]);
    expect(stepped.flat().sort()).toEqual([0, 1, 2, 3]);
  });

  it("folds a backlog of late changes larger than the old 20 a run in one run", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    // 25 days of one message each: 25 parts.
    const days = Array.from({ length: 25 }, (_, index) => dayStartDaysAgo(30 + index));
    const ids: string[] = [];
    for (const dayStart of days) ids.push(...(await delivered(account, dayStart + HOUR_MS, 1, { channel: "whatsapp", projectionSeq: 5 })));
    await archiveAll();

    // Each read by its recipient days later: a late change for each, kept beside the archive.
    await runQueueBatch(
      "omniflow-projections",
      ids.map((id) => whatsappProjection(account.id, id, 9, "read")),
    );
    const held = () => db().select().from(archivedChanges).where(eq(archivedChanges.accountId, account.id));
    expect(await held()).toHaveLength(25);

    const report = await archiveColdMessages(env, workerControl(env), Date.now());
    expect(report.folded).toBeGreaterThanOrEqual(25);
    expect(await held()).toEqual([]);
    for (const [index, dayStart] of days.entries()) {
      const rows = await readArchivedPart(env.ARCHIVE, `${account.id}/0/${dayOf(dayStart)}/0.jsonl.gz`);
      expect(rows?.map((row) => [row.id, row.status])).toEqual([[ids[index], "read"]]);
    }
  });

  it("a Cron Trigger other than the maintenance's runs an archive run alone, a second run beside the maintenance's", async () => {
    const account = await createAccount("test", { placement: ONE_SHARD });
    const dayStart = dayStartDaysAgo(10);
    const ids = await delivered(account, dayStart + HOUR_MS, 2);
    // A message past its account's 1-day retention: the maintenance's retention would delete it, the archive leaves it.
    const expiring = await createAccount("test", { placement: ONE_SHARD, retentionDays: 1 });
    await delivered(expiring, dayStartDaysAgo(3) + HOUR_MS, 1);

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/1 * * * *" }), env);
    expect(await messageCount(account.id)).toBe(0);
    expect(await idsByPart(account.id, dayOf(dayStart))).toEqual([ids]);
    expect(await messageCount(expiring.id)).toBe(1);
  });
});
