// Content retention with failover (issues 15 and 16 together): a `discard`
// message's fallback steps carry content of their own (their text, or the
// template rendered for their channel), and it goes with the message's.
// The sandbox: +15005550004 is not on WhatsApp, so the SMS step delivers.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { storedMessage } from "../support/db.ts";
import { createMessage } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";
import { objectStorageDump, SECRET } from "./redact.fixture.ts";

describe("content_retention: discard with fallback steps", () => {
  it("removes every step's content and rendering once delivered, keeping the steps' channels and addresses", async () => {
    const account = await createAccount();
    const created = await createMessage(account, {
      channel: "WHATSAPP",
      to: "+15005550004",
      content: { text: `Your code is ${SECRET}` },
      fallback: [{ channel: "SMS", content: { text: `Code ${SECRET}` } }],
      content_retention: "discard",
    });
    const message = await waitForStatus(account, created.id, ["delivered"], 10_000);
    expect(message).toMatchObject({ delivered_channel: "sms", content: null, redacted_at: expect.any(Number) });
    expect(message.fallback).toEqual([{ channel: "sms", to: "+15005550004", from: expect.any(String), content: null }]);
    expect(JSON.stringify(message)).not.toContain(SECRET);
    const row = await storedMessage(created.id);
    expect(row.fallback).toEqual([expect.objectContaining({ channel: "sms", to: "+15005550004", content: null, rendered: null })]);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(await objectStorageDump(created.id)).not.toContain(SECRET);
  });
});
