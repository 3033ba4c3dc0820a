// A projection lost for good (the projection queue gave up on it): the row
// stays behind its object. The reconciler re-sends the job of a row that still
// looks queued; the object, finding the message under way, sends its
// projection again, and the row catches up.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { messageDb, projectedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { runConsumer } from "../support/queue.ts";

useFakeProviders();

describe("a row a lost projection left behind", () => {
  it("catches up when a job for the message comes again (the reconciler's), and nothing is sent twice", async () => {
    const { id, stub } = await handedOff();
    await projectedMessage(id).toMatchObject({ status: "sent" });
    // As if the sent projection had never landed.
    await messageDb(id).update(messages).set({ status: "queued", projectionSeq: 0 }).where(eq(messages.id, id));

    const again = await runConsumer([id], 1);

    expect(again.explicitAcks).toHaveLength(1);
    await projectedMessage(id).toMatchObject({ status: "sent", attempts: [expect.objectContaining({ status: "sent" })] });
    expect((await stub.events()).filter((event) => event.type === "provider.attempt")).toHaveLength(1);
  });
});
