// What the status-callback tests share: a message whose 'sent' webhook is on
// its way, the receiver's verification, the object's attempts and its alarm.
import { runDurableObjectAlarm } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { vi } from "vitest";
import type { messageStatusStub } from "../../src/delivery/message-status.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders, type RecordedRequest } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";

export async function signingSecret(account: TestAccount): Promise<string> {
  return (await (await api("/v1/account", { key: account.key })).json<{ webhook_signing_secret: string }>()).webhook_signing_secret;
}

/** Verifies as the receiver would have when the request arrived (some tests move the clock). */
export function verify(secret: string, request: RecordedRequest) {
  vi.useFakeTimers({ toFake: ["Date"], now: Number(request.headers.get("webhook-timestamp")) * 1000 });
  try {
    return verifyNow(secret, request);
  } finally {
    vi.useRealTimers();
  }
}

function verifyNow(secret: string, request: RecordedRequest) {
  return new Webhook(secret).verify(request.body, Object.fromEntries(request.headers)) as {
    id: string;
    object: string;
    type: string;
    created_at: number;
    data: Record<string, unknown>;
  };
}

/** A live SMS with a status_callback, handed off to (fake) Twilio, so its 'sent' webhook is on its way. */
export async function sentLiveMessage(callback: string) {
  fakeProviders();
  return handedOff("sms", { statusCallback: callback });
}

export const webhookAttempts = async (stub: ReturnType<typeof messageStatusStub>): Promise<(Record<string, unknown> & { at: number })[]> =>
  (await stub.events()).filter((event) => event.type === "webhook.attempt").map((event) => ({ ...event.data, at: event.at }));

/** Runs the object's alarm as if `seconds` had passed since now. */
export async function afterSeconds(stub: ReturnType<typeof messageStatusStub>, seconds: number) {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + seconds * 1000 });
  const ran = await runDurableObjectAlarm(stub);
  vi.useRealTimers();
  return ran;
}
