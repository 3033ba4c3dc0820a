// Suppressions in a fallback chain (issues 15 and 16 together): the message's
// own recipient on the list refuses the create; a step's recipient on it is
// skipped when its turn comes, recorded as a failed attempt
// (recipient_suppressed), and the chain goes on. The sandbox decides the
// other steps' fate: +15005550004 is not on WhatsApp, an email is delivered.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { expectNothingStored } from "../support/state.ts";
import { waitForStatusThroughQueue } from "../support/wait.ts";

const FINAL = ["delivered", "read", "undelivered", "failed", "expired"];

async function suppress(key: string, channel: string, address: string) {
  expect((await api("/v1/suppressions", { key, json: { channel, address } })).status).toBe(201);
}

/** WhatsApp to the sandbox's "not on WhatsApp" number, whose SMS is suppressed, then these steps; its final state. */
async function failingOverToSuppressedSms(steps: Record<string, unknown>[]) {
  const account = await createAccount();
  await suppress(account.key, "sms", "+15005550004");
  const { id } = await createMessage(account, { channel: "WHATSAPP", to: "+15005550004", content: { text: "Your code is 849201" }, fallback: steps });
  return waitForStatusThroughQueue(account, id, FINAL, 10_000);
}

describe("a suppressed recipient in a fallback chain", () => {
  it("skips the suppressed step, records it as failed, and delivers by the next", async () => {
    const message = await failingOverToSuppressedSms([
      { channel: "SMS" },
      { channel: "EMAIL", to: "ana@example.com", content: { subject: "Your code", text: "849201" } },
    ]);
    expect(message).toMatchObject({ status: "delivered", delivered_channel: "email" });
    expect(message.attempts).toEqual([
      expect.objectContaining({ channel: "whatsapp", status: "failed", error: expect.objectContaining({ code: "recipient_not_on_channel" }) }),
      expect.objectContaining({ channel: "sms", to: "+15005550004", status: "failed", error: expect.objectContaining({ code: "recipient_suppressed" }) }),
      expect.objectContaining({ channel: "email", to: "ana@example.com", status: "delivered" }),
    ]);
  });

  it("ends the message failed with recipient_suppressed when the suppressed step is the last", async () => {
    const message = await failingOverToSuppressedSms([{ channel: "SMS" }]);
    expect(message).toMatchObject({ status: "failed", error: expect.objectContaining({ code: "recipient_suppressed" }), delivered_channel: null });
    expect(message.attempts).toHaveLength(2);
  });

  it("refuses the create when the message's own recipient is suppressed, whatever its steps, storing nothing", async () => {
    const account = await createAccount();
    await suppress(account.key, "whatsapp", "+14155550123");
    const res = await expectNothingStored(account, () =>
      api("/v1/messages", {
        key: account.key,
        json: { channel: "WHATSAPP", to: "+14155550123", content: { text: "hi" }, fallback: [{ channel: "SMS" }] },
      }),
    );
    await expectError(res, 400, { code: "recipient_suppressed", param: "to" });
  });
});
