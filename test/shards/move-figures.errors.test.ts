// The Console overview's figures (sent, delivered, failed, median time to
// delivered, per channel) while an account moves between shards: both shards
// hold copies of the moving messages until the old ones are deleted, and every
// message is still counted once, in every phase.
import { describe, expect, it } from "vitest";
import { newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import type { Status } from "../../src/domain/status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { storeMessage } from "../support/queue.ts";
import { recordMove, runMove } from "../support/shards.ts";

type Row = { sent: number; delivered: number; failed: number; median: string };

/** The overview's table rows, per window ("Last 24 hours", "Last 7 days"): channel -> figures, as the page prints them. */
async function overview(cookie: string): Promise<Record<string, Row>[]> {
  const page = await (await consoleFetch("/console", { cookie })).text();
  // The two windows' tables come first (the recent failures' table follows).
  const tables = page.split("<tbody>").slice(1, 3);
  return tables.map((table) => {
    const rows: Record<string, Row> = {};
    for (const [, channel, sent, delivered, failed, median] of table.matchAll(
      /<tr><th scope="row">(\w+)<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>([^<]+)<\/td><\/tr>/g,
    )) {
      rows[channel!] = { sent: Number(sent), delivered: Number(delivered), failed: Number(failed), median: median! };
    }
    return rows;
  });
}

async function store(account: TestAccount, shard: number, channel: "sms" | "email" | "whatsapp", status: Status, secondsToDelivered?: number) {
  const createdAt = unixSeconds() - 600;
  const deliveredAt = secondsToDelivered === undefined ? null : createdAt + secondsToDelivered;
  await storeMessage(account, { id: newMessageId(shard), channel, status, createdAt, deliveredAt });
}

describe("the Console's figures during a shard move", () => {
  it("count every message once in every phase, the copies at the target included", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await store(account, 0, "sms", "delivered", 10);
    await store(account, 0, "sms", "delivered", 20);
    await store(account, 0, "sms", "read", 30);
    await store(account, 0, "sms", "failed");
    await store(account, 0, "email", "sent");
    await store(account, 0, "email", "undelivered");
    const session = await signIn(account);
    // Counted from what was stored above: 4 SMS (3 delivered, median 20 s, 1 failed), 2 emails (1 failed).
    const expected = {
      sms: { sent: 4, delivered: 3, failed: 1, median: "20 s" },
      whatsapp: { sent: 0, delivered: 0, failed: 0, median: "—" },
      email: { sent: 2, delivered: 0, failed: 1, median: "—" },
    };
    expect(await overview(session.cookie)).toEqual([expected, expected]);

    const phases: string[] = [];
    await runMove(await recordMove(account.id, 1), async (phase) => {
      phases.push(phase);
      expect({ phase, figures: await overview(session.cookie) }).toEqual({ phase, figures: [expected, expected] });
    });

    expect(phases).toEqual(expect.arrayContaining(["copying", "verifying", "sealing_keys", "flipped", "recopying", "deleting", "done"]));
  });

  it("count the messages created at the target during the move once, beside the ones it carries", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    await store(account, 0, "whatsapp", "delivered", 5);
    const session = await signIn(account);
    const figures = (sent: number, delivered: number, median: string) => {
      const rows = {
        sms: { sent: 0, delivered: 0, failed: 0, median: "—" },
        whatsapp: { sent, delivered, failed: 0, median },
        email: { sent: 0, delivered: 0, failed: 0, median: "—" },
      };
      return [rows, rows];
    };

    let created = false;
    await runMove(await recordMove(account.id, 1), async (phase) => {
      if (phase === "verifying" && !created) {
        // New messages go to the target from the start of the move.
        await store(account, 1, "whatsapp", "delivered", 7);
        await store(account, 1, "whatsapp", "delivered", 8);
        created = true;
      }
      expect({ phase, figures: await overview(session.cookie) }).toEqual({ phase, figures: created ? figures(3, 3, "7 s") : figures(1, 1, "5 s") });
    });
  });
});
