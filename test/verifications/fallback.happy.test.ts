// channel_timeout: a channel whose message is not delivered in time gives way
// to the next, with the same code (the message object's fallback_after).
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { eventually } from "../support/wait.ts";
import { startVerification, type VerificationBody } from "./verifications.fixture.ts";

afterEach(() => vi.useRealTimers());

const read = async (key: string, id: string) => (await api(`/v1/verifications/${id}`, { key })).json<VerificationBody>();

describe("channel_timeout", () => {
  it("sends the next channel when the first is not delivered within it (sandbox +15005550008 never reports)", async () => {
    const account = await createAccount();
    const verification = await startVerification(account, { to: "+15005550008", channels: ["SMS", "WHATSAPP"], channel_timeout: 15 });
    await eventually(async () => (await read(account.key, verification.id)).attempts[0]?.status === "sent", 10_000);
    const messageId = verification.attempts[0]!.message_id;

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 14_000 });
    await runDurableObjectAlarm(messageStatusStub(env, messageId));
    expect((await read(account.key, verification.id)).attempts.map((attempt) => attempt.channel)).toEqual(["sms"]);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2_000 });
    await runDurableObjectAlarm(messageStatusStub(env, messageId));
    vi.useRealTimers();
    const after = await eventually(async () => {
      const now = await read(account.key, verification.id);
      return now.attempts.length === 2 && now;
    });
    expect(after.attempts.map(({ channel, message_id }) => [channel, message_id])).toEqual([
      ["sms", messageId],
      ["whatsapp", messageId],
    ]);
    expect(after.channel).toBe("whatsapp");
  });
});
