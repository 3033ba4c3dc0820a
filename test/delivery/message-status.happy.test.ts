// The per-message Durable Object: ordering of status reports, alarms, and
// keeping D1 in step with it.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

useFakeProviders();

const statusChanges = async (stub: ReturnType<typeof messageStatusStub>) =>
  (await stub.events()).filter((e) => e.type === "status.changed").map((e) => e.data.status);

describe("MessageStatus Durable Object", () => {
  it("moves sent -> delivered -> read and stamps delivered_at and provider_latency_ms once", async () => {
    const { id, stub, report } = await handedOff();
    expect(await report("delivered")).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: "delivered", deliveredAt: expect.any(Number), providerLatencyMs: expect.any(Number) });
    const delivered = await storedMessage(id);
    expect(await report("read")).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: "read", deliveredAt: delivered.deliveredAt, providerLatencyMs: delivered.providerLatencyMs });
    expect(await statusChanges(stub)).toEqual(["sent", "delivered", "read"]);
  });

  it("takes 'read' arriving before 'delivered' (as Meta may send them) and sets delivered_at from it", async () => {
    const { id, report } = await handedOff();
    expect(await report("read")).toBe("applied");
    expect(await report("delivered")).toBe("ignored");
    await projectedMessage(id).toMatchObject({ status: "read", deliveredAt: expect.any(Number) });
  });

  it("applies the sandbox's scheduled report from its alarm, and a second alarm run changes nothing", async () => {
    const account = await createAccount("test");
    const id = await storeMessage(account);
    await runConsumer([id]);
    const stub = messageStatusStub(env, id);
    // The row may go straight to delivered: the projection queue can carry the newest of the two changes alone.
    expect(await statusChanges(stub)).toEqual(["sent"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await runDurableObjectAlarm(stub);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    // The alarm stays set for the row's check (row-check.ts): an early second run applies nothing again.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await statusChanges(stub)).toEqual(["sent", "delivered"]);
  });
});
