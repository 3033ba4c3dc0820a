// A projection lost for good (the projection queue gave up on it, or the
// object died between storing a change and sending it): the row stays behind
// its object. The reconciler re-sends the job of a row that still looks
// queued; the object, finding the message under way, sends its projection
// again, and the row catches up. A send that died with the object is sent
// again by the alarm the object set before it.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { messageDb, rowFromQueue } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { runConsumer } from "../support/queue.ts";

useFakeProviders();

describe("a row a lost projection left behind", () => {
  it("catches up when a job for the message comes again (the reconciler's), and nothing is sent twice", async () => {
    const { id, stub } = await handedOff();
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    // As if the sent projection had never landed.
    await messageDb(id).update(messages).set({ status: "queued", projectionSeq: 0 }).where(eq(messages.id, id));

    const again = await runConsumer([id], 1);

    expect(again.explicitAcks).toHaveLength(1);
    await rowFromQueue(id).toMatchObject({ status: "sent", attempts: [expect.objectContaining({ status: "sent" })] });
    expect((await stub.events()).filter((event) => event.type === "provider.attempt")).toHaveLength(1);
  });

  it("is sent again when the object's alarm rings with nothing else due (the ring set before every send)", async () => {
    const { id, report } = await handedOff();
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    // The delivered change is stored; its projection never reaches the queue (as if the object had died sending it).
    vi.spyOn(env.PROJECTIONS_QUEUE, "send").mockResolvedValueOnce({} as QueueSendResponse);
    await report("delivered");
    expect((await messageDb(id).select().from(messages).where(eq(messages.id, id)))[0]).toMatchObject({ status: "sent" });
    // The safety ring (PROJECTION_SAFETY_MS after the send began), run now.
    const object = env.MESSAGE_STATUS.get(env.MESSAGE_STATUS.idFromName(id));
    await runInDurableObject(object, (_instance, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(object)).toBe(true);
    await rowFromQueue(id).toMatchObject({ status: "delivered" });
  });
});
