// A batch create's inserts add their usage per group (src/db/usage-fold.ts),
// not one rollup upsert per row from the insert triggers: usage equals the sum
// over the stored rows, by status and by a metadata key, and the batch's D1
// write costs about one row written fewer per message. A single create still
// counts through the trigger.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { sendBatch } from "../batches/batches.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { rowsWritten } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

afterEach(() => vi.restoreAllMocks());

const db = shardDatabase(env, 0);

type Group = Record<string, unknown> & { count: number; segments: number };

/** The account's usage grouped by `groupBy`, and the same counted here from its rows as D1 holds them. */
async function usageAndRows(account: TestAccount, groupBy: "status" | "metadata[team]") {
  const res = await api(`/v1/usage?group_by=${groupBy}`, { key: account.key });
  expect(res.status).toBe(200);
  const usage = (await res.json<{ data: Group[] }>()).data.map(({ count, segments, status, metadata }) => ({ count, segments, status, metadata }));
  const rows = await db.select().from(messages).where(eq(messages.accountId, account.id));
  const counted = new Map<string, Group>();
  for (const row of rows) {
    const key = groupBy === "status" ? { status: row.status } : { metadata: { team: (row.metadata as { team?: string } | null)?.team ?? null } };
    const group = counted.get(JSON.stringify(key)) ?? { status: undefined, metadata: undefined, ...key, count: 0, segments: 0 };
    group.count += 1;
    group.segments += row.segments ?? 0;
    counted.set(JSON.stringify(key), group);
  }
  const label = (group: Group) => `${group.status} ${JSON.stringify(group.metadata)}`;
  const sorted = (list: Group[]) => [...list].sort((a, b) => label(a).localeCompare(label(b)));
  return { usage: sorted(usage), rows: sorted([...counted.values()]) };
}

const team = (i: number) => (i % 3 === 0 ? undefined : { team: i % 3 === 1 ? "growth" : "ops" });

describe("a batch create's usage", () => {
  it("equals the sum over its stored rows, by status and by metadata key, beside a single create's", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    // Held: no hand-off changes a status while the figures are compared.
    vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    vi.spyOn(env.MESSAGES_QUEUE, "send").mockResolvedValue({} as never);
    expect((await api("/v1/messages", { key: account.key, json: smsBody({ metadata: { team: "growth" } }) })).status).toBe(201);
    const batch = Array.from({ length: 30 }, (_, i) => smsBody({ content: { text: "x".repeat(1 + i * 7) }, metadata: team(i) }));
    expect((await sendBatch(account, { messages: batch })).status).toBe(201);

    const byStatus = await usageAndRows(account, "status");
    expect(byStatus.usage).toEqual(byStatus.rows);
    expect(byStatus.rows.reduce((sum, group) => sum + group.count, 0)).toBe(31);
    const byTeam = await usageAndRows(account, "metadata[team]");
    expect(byTeam.usage).toEqual(byTeam.rows);
    expect(byTeam.rows.map((group) => group.count).sort()).toEqual([10, 10, 11]);
  });

  it("writes about one row fewer per message than the insert triggers did", async () => {
    vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    const costOf = async (size: number) => {
      const account = await createAccount("test", { placement: homedOn(0) });
      const body = { messages: Array.from({ length: size }, () => smsBody()) };
      return rowsWritten(async () => {
        expect((await sendBatch(account, body)).status).toBe(201);
      });
    };
    // Two messages go through the triggers (below the fold's threshold). Each writes its own rows (the row and its
    // entries in the indexes that hold it, the batch's partial index included: 6, test/messages/list-indexes), and
    // the triggers 3 rollup rows: a new group's row and its key's entry, then that row updated.
    const two = await costOf(2);
    const perMessage = (two - 3) / 2;
    expect(perMessage).toBe(6);
    // A hundred: their own rows, and a handful for the fold (usage_fold set, one group's row and key entry), not
    // the triggers' 100 more.
    const hundred = await costOf(100);
    expect(hundred).toBeGreaterThanOrEqual(100 * perMessage);
    expect(hundred).toBeLessThan(100 * perMessage + 10);
  });
});
