// A projection batch moves its rows' usage itself, one upsert per group
// (src/db/usage-fold.ts), instead of the update triggers' two per row: usage
// stays equal to the sum over the rows, for a batch that changes some rows and
// not others, and for the same batch delivered again; and it costs fewer rows.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { type Projection, writeProjections } from "../../src/db/projections.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import type { Status } from "../../src/domain/status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { rowsWritten } from "../support/db.ts";
import { storeMessage } from "../support/queue.ts";
import { sumPrices } from "../support/rates.ts";

const db = shardDatabase(env, 0);
const asPrice = (tenThousandths: number) => `${Math.floor(tenThousandths / 10_000)}.${String(tenThousandths % 10_000).padStart(4, "0")}`;

function projection(account: TestAccount, messageId: string, seq: number, status: Status, price: number | null): Projection {
  return {
    messageId,
    accountId: account.id,
    seq,
    status,
    price,
    priceStatus: price === null ? null : "final",
    deliveredAt: null,
    providerLatencyMs: null,
    errorCode: null,
    errorMessage: null,
    attempts: null,
    deliveredChannel: null,
    redactedAt: null,
  };
}

/** The account's usage by status and by metadata[team], and the same summed here from its rows as D1 holds them. */
async function usageAndRows(account: TestAccount) {
  const read = async (query: string) => (await (await api(`/v1/usage${query}`, { key: account.key })).json<{ data: Record<string, unknown>[] }>()).data;
  const rows = (await db.select().from(messages).where(eq(messages.accountId, account.id))).filter((row) => row.direction === "outbound");
  const group = (keyOf: (row: (typeof rows)[number]) => Record<string, unknown>) => {
    const groups = new Map<string, typeof rows>();
    for (const row of rows) groups.set(JSON.stringify(keyOf(row)), [...(groups.get(JSON.stringify(keyOf(row))) ?? []), row]);
    return [...groups].map(([key, members]) => ({
      ...JSON.parse(key),
      count: members.length,
      segments: members.reduce((sum, row) => sum + (row.segments ?? 0), 0),
      price: sumPrices(members.map((row) => asPrice(row.price ?? 0))),
      price_unit: "USD",
    }));
  };
  const sorted = (list: Record<string, unknown>[]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    usage: { byStatus: sorted(await read("?group_by=status")), byTeam: sorted(await read("?group_by=metadata[team]")) },
    rows: {
      byStatus: sorted(group((row) => ({ status: row.status }))),
      byTeam: sorted(group((row) => ({ metadata: { team: (row.metadata as { team?: string } | null)?.team ?? null } }))),
    },
  };
}

describe("a projection batch's usage", () => {
  it("equals the rows' sum after a batch that changes some rows and not others, and after the same batch delivered again", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const metadata = i % 3 === 0 ? null : { team: i % 3 === 1 ? "growth" : "ops" };
      ids.push(
        await storeMessage(account, { id: newMessageId(0), status: "queued", segments: 1 + (i % 2), price: 79 * (1 + (i % 2)), priceUnit: "USD", metadata }),
      );
    }
    await storeMessage(account, { id: newMessageId(0), direction: "inbound", status: "received" });
    // A row that already took a later projection: the batch's older one must not move it.
    await db.update(messages).set({ status: "sent", projectionSeq: 5 }).where(eq(messages.id, ids[5]!));

    const first = [
      ...[0, 1, 6, 7, 8].map((i) => projection(account, ids[i]!, 1, "sent", 158)),
      projection(account, ids[2]!, 1, "failed", 0),
      // The same status and price as the row: a projection that changes no figure.
      projection(account, ids[3]!, 1, "queued", 79),
      projection(account, ids[5]!, 3, "delivered", 1),
    ];
    await writeProjections(db, first, 2);
    const once = await usageAndRows(account);
    expect(once.usage).toEqual(once.rows);
    expect(once.usage.byStatus).toEqual(expect.arrayContaining([expect.objectContaining({ status: "failed", count: 1, price: "0.0000" })]));

    // Delivered again (the Queue delivers at least once): nothing moves.
    await writeProjections(db, first, 3);
    expect(await usageAndRows(account)).toEqual(once);

    // The next batch, each message's next status.
    await writeProjections(
      db,
      [0, 1, 6, 7].map((i) => projection(account, ids[i]!, 2, "delivered", 158)),
      4,
    );
    const twice = await usageAndRows(account);
    expect(twice.usage).toEqual(twice.rows);
    expect(twice.usage.byStatus).toEqual(expect.arrayContaining([expect.objectContaining({ status: "delivered", count: 4, segments: 6, price: "0.0632" })]));
  });

  it("writes one upsert per group for a batch of one account's messages, not two per message", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push(await storeMessage(account, { id: newMessageId(0), status: "queued", segments: 1, price: 79, priceUnit: "USD" }));
    // The groups the batch moves into exist already (one message sent on its own), as in a running campaign.
    await writeProjections(db, [projection(account, ids[0]!, 1, "sent", 79)], 2);

    const batch = ids.slice(1).map((id) => projection(account, id, 1, "sent", 79));
    const written = await rowsWritten(() => writeProjections(db, batch, 3));
    // Each row and its status index entry (2 x 20), the out and in groups' upserts (2), the fold set and cleared (2);
    // the triggers would have written 2 x 20 more for the groups instead of 2.
    expect(written).toBe(2 * 20 + 2 + 2);
    const { usage, rows } = await usageAndRows(account);
    expect(usage).toEqual(rows);
  });
  it("keeps the triggers for a batch whose rows share no group, which the fold would make dearer", async () => {
    const accounts = [await createAccount("test", { placement: homedOn(0) }), await createAccount("test", { placement: homedOn(0) })];
    const ids = await Promise.all(
      accounts.map((account) => storeMessage(account, { id: newMessageId(0), status: "queued", segments: 1, price: 79, priceUnit: "USD" })),
    );
    const another = await storeMessage(accounts[0]!, { id: newMessageId(0), status: "queued", segments: 1, price: 79, priceUnit: "USD" });
    // Three rows in three groups (two accounts, two statuses): the triggers' 2 each plus each row's 2 (6 + 6), and each
    // new group's primary-key entry (3); the fold would add its 2.
    const batch = [
      projection(accounts[0]!, ids[0]!, 1, "sent", 79),
      projection(accounts[1]!, ids[1]!, 1, "sent", 79),
      projection(accounts[0]!, another, 1, "failed", 0),
    ];
    expect(await rowsWritten(() => writeProjections(db, batch, 2))).toBe(6 + 6 + 3);
    for (const account of accounts) {
      const { usage, rows } = await usageAndRows(account);
      expect(usage).toEqual(rows);
    }
  });
});
