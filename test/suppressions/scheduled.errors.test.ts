// A scheduled message is checked against the suppression list again at its
// send time (issues 15 and 16 together): a recipient who replied STOP after
// the create is not messaged. The message ends failed (recipient_suppressed),
// with its callback, and nothing is handed off; a fallback step whose
// recipient opted out meanwhile is skipped at its turn. The alarm is run by
// hand at the time it would ring.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { afterSeconds, callbacks, getMessage, handOffs, shownMessage } from "../delivery/delivery-controls.fixture.ts";
import { simulateReply, suppressionsOf } from "../inbound/inbound.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => receiver?.restore());

const inTwoMinutes = () => Math.floor(Date.now() / 1000) + 120;

describe("a scheduled message whose recipient opted out after the create", () => {
  it("is not sent: at its time it ends failed with recipient_suppressed and one callback, and the list is unchanged", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const created = await createMessage(account, smsBody({ to: "+14155550123", send_at: inTwoMinutes(), status_callback: receiver.url }));
    expect((await simulateReply(account, { from: "+14155550123", text: "STOP" })).status).toBe(201);
    const stub = messageStatusStub(env, created.id);

    expect(await afterSeconds(stub, 121)).toBe(true);
    await shownMessage(account, created.id).toMatchObject({ status: "failed", error: { code: "recipient_suppressed" } });
    expect(await handOffs(stub)).toEqual([]);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.failed"]);
    expect((await suppressionsOf(account)).map((s) => s.reason)).toEqual(["opt_out"]);
  });

  it("skips a fallback step whose recipient opted out meanwhile, and goes on", async () => {
    const account = await createAccount();
    const created = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { text: "Your appointment is tomorrow" },
      send_at: inTwoMinutes(),
      fallback: [{ channel: "SMS" }, { channel: "EMAIL", to: "ana@example.com", content: { subject: "Reminder", text: "Tomorrow" } }],
    });
    expect((await simulateReply(account, { from: "+15005550004", text: "STOP" })).status).toBe(201);
    // Each step's hand-off and the sandbox's report come on the object's alarm, a moment after the one before.
    const stub = messageStatusStub(env, created.id);
    for (let seconds = 121; seconds < 130 && (await afterSeconds(stub, seconds)); seconds++);
    await shownMessage(account, created.id).toMatchObject({ status: "delivered", delivered_channel: "email" });
    const message = await getMessage(account, created.id);
    expect((message.attempts as { channel: string; error: { code: string } | null }[]).map((a) => [a.channel, a.error?.code ?? null])).toEqual([
      ["whatsapp", "recipient_not_on_channel"],
      ["sms", "recipient_suppressed"],
      ["email", null],
    ]);
  });
});
