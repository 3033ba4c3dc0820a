// The per-message Durable Object: ordering of status reports, alarms, and
// keeping D1 in step with it.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { MessageStatus } from "../../src/delivery/message-status.ts";
import { rowFromQueue, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";

useFakeProviders();

describe("MessageStatus Durable Object", () => {
  it("records but ignores a late 'sent' after 'delivered', and a duplicate 'delivered'", async () => {
    const { id, stub, report } = await handedOff();
    await report("delivered");
    expect(await report("sent")).toBe("ignored");
    expect(await report("delivered")).toBe("ignored");
    await rowFromQueue(id).toMatchObject({ status: "delivered" });
    const ignored = (await stub.events()).filter((e) => e.type === "status.ignored");
    expect(ignored.map((e) => [e.data.status, e.data.current_status])).toEqual([
      ["sent", "delivered"],
      ["delivered", "delivered"],
    ]);
  });

  it("keeps a failure terminal: nothing moves an undelivered message", async () => {
    const { id, report } = await handedOff();
    expect(await report("undelivered", { errorCode: "carrier_rejected", errorMessage: "rejected" })).toBe("applied");
    expect(await report("delivered")).toBe("ignored");
    expect(await report("read")).toBe("ignored");
    await rowFromQueue(id).toMatchObject({ status: "undelivered", errorCode: "carrier_rejected", deliveredAt: null });
  });

  it("answers 'unknown' to a report naming another provider message id, and changes nothing", async () => {
    const { id, report } = await handedOff();
    expect(await report("delivered", { providerMessageId: "SMnot-ours" })).toBe("unknown");
    await rowFromQueue(id).toMatchObject({ status: "sent" });
  });

  it("notes a report that carries no status without changing the message", async () => {
    const { id, stub, report } = await handedOff();
    expect(await report(null, { detail: "email.delivery_delayed" })).toBe("noted");
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    expect((await stub.events()).at(-1)).toMatchObject({ type: "receipt.noted", data: { detail: "email.delivery_delayed" } });
  });

  it("sends the projection again from an alarm when the projection queue refuses it, with the newest state", async () => {
    const { id, stub, report } = await handedOff();
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    await runInDurableObject(stub, (instance: MessageStatus) => {
      const queue = (instance as unknown as { env: Env }).env.PROJECTIONS_QUEUE;
      vi.spyOn(queue, "send").mockRejectedValue(new Error("Queue send failed: internal error"));
    });
    expect(await report("delivered")).toBe("applied");
    expect(await report("read")).toBe("applied");
    vi.restoreAllMocks();
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
    // The retry is due in 5 s: move the clock instead of waiting. It sends the state as it is then.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    await runDurableObjectAlarm(stub);
    vi.useRealTimers();
    await rowFromQueue(id).toMatchObject({ status: "read", deliveredAt: expect.any(Number) });
  });
});
