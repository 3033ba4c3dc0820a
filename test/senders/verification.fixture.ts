// What the sender verification tests share: the code SMS as the (fake) Twilio
// received it, and a message sent from a given sender.
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import type { FakeHttp } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";

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
