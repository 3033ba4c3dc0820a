// The bound on a status change reaching GET /v1/messages/:id, through the real
// pipeline: the message's object changes its status, sends the projection to
// the projection queue, and the queue's consumer (batch timeout 1 s) writes
// the row. And a message whose account was moved off the shard its id names
// is found, delivered and projected where it lives now.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { eventually } from "../support/wait.ts";
import { place, rowOn, storeOn } from "./projection.fixture.ts";

/** docs/architecture.md, "Status projections": the queue's batch timeout (1 s) plus the consumer's two D1 round trips. */
const BOUND_MS = 2_000;

/** When (ms) the message's object recorded its change to `status`. */
async function changedAt(id: string, status: string): Promise<number> {
  const events = await eventually(async () => {
    const all = await messageStatusStub(env, id).events();
    return all.some((event) => event.type === "status.changed" && event.data.status === status) && all;
  });
  return events.find((event) => event.type === "status.changed" && event.data.status === status)!.at;
}

describe("status projections through the real queue", () => {
  it("shows a delivered status in GET /v1/messages/:id within 2 s of the object's change", async () => {
    const account = await createAccount();
    const ids = await Promise.all([1, 2, 3].map(async () => (await createMessage(account, smsBody())).id));

    const lags = await Promise.all(
      ids.map(async (id) => {
        const shownAt = await eventually(async () => {
          const message = await (await api(`/v1/messages/${id}`, { key: account.key })).json<{ status: string }>();
          return message.status === "delivered" && Date.now();
        }, 10_000);
        return shownAt - (await changedAt(id, "delivered"));
      }),
    );

    for (const lag of lags) expect(lag).toBeLessThan(BOUND_MS);
  });

  it("loads a message from the shard its account was moved to, and projects its status there", async () => {
    const account = await createAccount();
    // Born on shard 0, moved to shard 1 with the rest of the account's messages.
    const id = await storeOn(1, account, { id: newMessageId(0) });
    await place(account, { home: 1, write: [1], read: [1], moved: { 0: 1 } });

    const result = await runConsumer([id]);

    expect(result.explicitAcks).toHaveLength(1);
    expect((await messageStatusStub(env, id).events()).find((event) => event.type === "provider.attempt")).toMatchObject({ data: { outcome: "accepted" } });
    await eventually(async () => (await rowOn(1, id))?.status === "delivered", 5_000);
    expect(await rowOn(0, id)).toBeUndefined();
  });
});
