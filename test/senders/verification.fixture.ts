// What the sender verification tests share: fresh fake providers and DNS for
// each test, the code SMS as the (fake) Twilio received it, and a message sent
// from a given sender.
import { afterEach, beforeEach, vi } from "vitest";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { type FakeHttp, fakeDns, fakeProviders } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";

/** Fresh fake providers and DNS resolver for each test of the file, restored after it: `fakes.providers`, `fakes.dns`. */
export function useVerificationFakes() {
  const fakes = {} as { providers: FakeHttp; dns: ReturnType<typeof fakeDns> };
  beforeEach(() => {
    fakes.providers = fakeProviders();
    fakes.dns = fakeDns();
  });
  afterEach(() => {
    fakes.providers.restore();
    fakes.dns.restore();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return fakes;
}

/** The form fields of the SMS that reached Twilio for this number (the code message goes through the Queue). */
export async function codeSentTo(twilio: FakeHttp, number: string): Promise<URLSearchParams> {
  return eventually(() =>
    twilio.requests
      .filter((request) => request.url.hostname === "twilio.fake")
      .map((request) => new URLSearchParams(request.body))
      .find((form) => form.get("To") === number),
  );
}

export const codeIn = (sms: URLSearchParams) => /\b(\d{6})\b/.exec(sms.get("Body") ?? "")![1]!;

/** The status of a create from this sender. */
export async function sendFrom(account: TestAccount, channel: "sms" | "whatsapp" | "email", from: string): Promise<number> {
  const content = channel === "email" ? { subject: "Hi", text: "hi" } : { text: "hi" };
  const to = channel === "email" ? "ana@example.com" : "+14155550123";
  const res = await api("/v1/messages", { key: account.key, json: { channel, to, from, content } });
  await res.body?.cancel();
  return res.status;
}
