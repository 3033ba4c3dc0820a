// A scheduled message's send alarm against what can happen while it waits:
// the account gate's suppression check is another object's answer, and a
// cancel lands in that wait. The gate's answer is held open with a promise
// the test releases, so the cancel runs inside the window every time.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { type Hold, hold } from "../support/hold.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { callbacks, handOffs, shownMessage } from "./delivery-controls.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver?.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The gate's suppression answer (its own, or `answer`), held until the test releases it. */
function holdGateAnswer(answer?: boolean[]): Hold {
  const original = AccountGate.prototype.suppressed;
  const gate = hold();
  vi.spyOn(AccountGate.prototype, "suppressed").mockImplementation(async function (this: AccountGate, ...args) {
    await gate.wait();
    return answer ?? original.apply(this, args);
  });
  return gate;
}

/** A scheduled SMS with a callback, due in a minute; its object. */
async function scheduled() {
  receiver = fakeReceiver();
  const account = await createAccount();
  const { id } = await createMessage(account, smsBody({ send_at: Math.floor(Date.now() / 1000) + 60, status_callback: receiver.url }));
  return { account, id, stub: messageStatusStub(env, id) };
}

/** Runs the send alarm at its time; the cancel request is made while the alarm waits for what `gate` holds. */
async function cancelWhileHeld(gate: Hold, { account, id, stub }: Awaited<ReturnType<typeof scheduled>>) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
  const alarm = runDurableObjectAlarm(stub);
  await gate.reached();
  const canceled = await api(`/v1/messages/${id}/cancel`, { key: account.key, method: "POST" });
  gate.release();
  await alarm;
  vi.useRealTimers();
  return canceled;
}

/** The object's status changes, in order. */
async function statusChanges(stub: ReturnType<typeof messageStatusStub>) {
  return (await stub.events()).filter((event) => event.type === "status.changed").map((event) => event.data.status);
}

describe("the send alarm of a scheduled message", () => {
  it("hands nothing off when a cancel lands while it waits for the gate's suppression check: canceled, one callback", async () => {
    const message = await scheduled();
    const gate = holdGateAnswer();
    const res = await cancelWhileHeld(gate, message);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: message.id, status: "canceled" });
    await shownMessage(message.account, message.id).toMatchObject({ status: "canceled" });
    expect(await handOffs(message.stub)).toEqual([]);
    expect(await statusChanges(message.stub)).toEqual(["canceled"]);
    // Nothing is left to run later either: the alarm at any time after hands nothing off.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3_600_000 });
    await runDurableObjectAlarm(message.stub);
    vi.useRealTimers();
    expect(await handOffs(message.stub)).toEqual([]);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.canceled"]);
  });

  it("does not turn a cancel that landed during the check into failed when the gate answers suppressed", async () => {
    const message = await scheduled();
    const gate = holdGateAnswer([true]);
    const res = await cancelWhileHeld(gate, message);
    expect(res.status).toBe(200);
    await shownMessage(message.account, message.id).toMatchObject({ status: "canceled", error: null });
    expect(await statusChanges(message.stub)).toEqual(["canceled"]);
    expect(await handOffs(message.stub)).toEqual([]);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.canceled"]);
  });

  it("hands nothing off when the cancel lands while it reads the message from D1 (the object has stored nothing yet)", async () => {
    const message = await scheduled();
    const read = hold();
    const load = Reflect.get(MessageStatus.prototype, "loadFromD1") as (this: MessageStatus, id: string) => Promise<unknown>;
    // The alarm's read is held; the cancel's own read, which comes next, is not.
    vi.spyOn(MessageStatus.prototype as unknown as { loadFromD1: typeof load }, "loadFromD1").mockImplementationOnce(async function (this: MessageStatus, id) {
      await read.wait();
      return load.call(this, id);
    });
    const res = await cancelWhileHeld(read, message);
    expect(res.status).toBe(200);
    await shownMessage(message.account, message.id).toMatchObject({ status: "canceled" });
    expect(await statusChanges(message.stub)).toEqual(["canceled"]);
    expect(await handOffs(message.stub)).toEqual([]);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.canceled"]);
  });

  it.each([
    ["sent", () => Response.json({ sid: `SM${"0".repeat(32)}`, status: "queued" }, { status: 201 }), "sent", ["queued", "sent"], ["message.sent"]],
    ["queued, its hand-off waiting for a retry", () => new Response("Service Unavailable", { status: 503 }), "queued", ["queued"], []],
  ])(
    "armed twice, sends once: a second ring for a message already %s changes nothing, even with its recipient suppressed since",
    async (_, answer, status, changes, sentCallbacks) => {
      receiver = fakeReceiver();
      const fake = fakeProviders();
      fake.respondWith(answer);
      const account = await createAccount("live");
      const sendAt = Math.floor(Date.now() / 1000) + 60;
      // Stored as the create stores a scheduled message, and armed as it arms it; then armed again by the reconciler,
      // which found the row still scheduled (the object's alarm was late): two send timers, due in the same ring.
      const id = await storeMessage(account, { status: "scheduled", sendAt, statusCallback: receiver.url });
      const stub = messageStatusStub(env, id);
      await stub.schedule(id, sendAt * 1000);
      await stub.schedule(id, sendAt * 1000);
      // The recipient is fine at the first timer's check; a STOP has come in by any later one.
      vi.spyOn(AccountGate.prototype, "suppressed").mockResolvedValueOnce([false]).mockResolvedValue([true]);
      vi.useFakeTimers({ toFake: ["Date"], now: sendAt * 1000 + 1_000 });
      await runDurableObjectAlarm(stub);
      // And the reconciler's next pass re-arms it once more.
      await stub.schedule(id, Date.now());
      await runDurableObjectAlarm(stub);
      vi.useRealTimers();

      expect(await statusChanges(stub)).toEqual(changes);
      expect(await handOffs(stub)).toHaveLength(1);
      expect(fake.requests).toHaveLength(1);
      await shownMessage(account, id).toMatchObject({ status, error: null });
      expect(callbacks(receiver).map((event) => event.type)).toEqual(sentCallbacks);
    },
  );
});
