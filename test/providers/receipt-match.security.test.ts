// A verified report only proves that a provider sent it, not that it is about
// the message it names: it applies only when it comes from the provider the
// message was handed to and carries that hand-off's provider message id. One
// that comes while the hand-off's call is open waits for its answer, and must
// match it then.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import type { Receipt } from "../../src/providers/provider.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { hold } from "../support/hold.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

let fake: ReturnType<typeof fakeProviders>;
afterEach(() => {
  vi.useRealTimers();
  fake?.restore();
  vi.restoreAllMocks();
});

describe("a provider report's match with the hand-off", () => {
  it("does not apply to a message that has no provider message id yet (its hand-off waits for a retry)", async () => {
    fake = fakeProviders();
    fake.respondWith(() => new Response("Service Unavailable", { status: 503 }));
    const account = await createAccount("live");
    const id = await storeMessage(account);
    const { retryMessages } = await runConsumer([id]);
    expect(retryMessages).toHaveLength(1);

    const stub = messageStatusStub(env, id);
    const report: Receipt = {
      provider: "twilio",
      messageId: id,
      providerMessageId: "SM00000000000000000000000000000000",
      status: "failed",
      detail: "status=failed",
    };
    expect(await stub.receipt(report)).toBe("unknown");
    await projectedMessage(id).toMatchObject({ status: "queued" });
    expect((await stub.events()).map((event) => event.type)).not.toContain("status.changed");

    // The retry, at the time its delay asked for, still hands the message off.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60_000);
    await runConsumer([id], 2);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it.each([
    ["WhatsApp", "whatsapp"],
    ["Resend", "resend"],
  ] as const)("does not apply a %s report to a message handed to Twilio, even with its provider message id", async (_, provider) => {
    fake = fakeProviders();
    const { id, stub, providerMessageId } = await handedOff("sms");
    expect(await stub.receipt({ provider, messageId: id, providerMessageId, status: "failed", detail: "status=failed" })).toBe("unknown");
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it("does not apply a Twilio report with another provider message id", async () => {
    fake = fakeProviders();
    const { id, stub } = await handedOff("sms");
    expect(
      await stub.receipt({ provider: "twilio", messageId: id, providerMessageId: "SMffffffffffffffffffffffffffffffff", status: "failed", detail: "x" }),
    ).toBe("unknown");
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it.each([
    [
      "accepted under another provider message id",
      () => Response.json({ sid: "SM0123456789abcdef0123456789abcdef", status: "queued" }, { status: 201 }),
      "sent",
    ],
    ["refused", () => Response.json({ code: 21211, message: "Invalid 'To' Phone Number" }, { status: 400 }), "failed"],
  ] as const)("keeps a report made while the hand-off's call was open only until its answer: a hand-off %s drops it", async (_, answer, status) => {
    const call = hold();
    fake = fakeProviders();
    fake.respondWith(async () => {
      await call.wait();
      return answer();
    });
    const account = await createAccount("live");
    const id = await storeMessage(account);
    const stub = messageStatusStub(env, id);
    const consumer = runConsumer([id]);
    await call.reached();
    const report: Receipt = { provider: "twilio", messageId: id, providerMessageId: "SMffffffffffffffffffffffffffffffff", status: "delivered", detail: "x" };
    expect(await stub.receipt(report)).toBe("held");
    call.release();
    await consumer;
    await projectedMessage(id).toMatchObject({ status });
    const events = await stub.events();
    expect(events.filter((event) => event.type === "status.changed").map((event) => event.data.status)).toEqual([status]);
    expect(events.map((event) => event.type)).toContain("receipt.dropped");
  });

  it("keeps at most the last 10 reports made while the hand-off's call is open", async () => {
    const call = hold();
    fake = fakeProviders();
    fake.respondWith(async () => {
      await call.wait();
      return Response.json({ sid: "SM0123456789abcdef0123456789abcdef", status: "queued" }, { status: 201 });
    });
    const id = await storeMessage(await createAccount("live"));
    const stub = messageStatusStub(env, id);
    const consumer = runConsumer([id]);
    await call.reached();
    for (let i = 0; i < 12; i++) {
      const sid = `SM${String(i).padStart(32, "0")}`;
      expect(await stub.receipt({ provider: "twilio", messageId: id, providerMessageId: sid, status: "delivered", detail: `report ${i}` })).toBe("held");
    }
    call.release();
    await consumer;
    const dropped = (await stub.events()).filter((event) => event.type === "receipt.dropped").map((event) => event.data.detail);
    expect(dropped).toEqual(Array.from({ length: 10 }, (_, i) => `report ${i + 2}`));
  });

  it("applies the report that matches both", async () => {
    fake = fakeProviders();
    const { id, report } = await handedOff("sms");
    expect(await report("delivered")).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });
});
