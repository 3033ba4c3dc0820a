// Content retention with failover and a status_callback: the signed callbacks
// the object stores in its event log carry the message object, whose
// `fallback` shows each step's own content. Redaction must empty those too,
// not only the message's top-level `content`.
import { expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { objectStorageDump, SECRET } from "./redact.fixture.ts";

it("a discard message's stored callbacks lose its fallback steps' content once it is delivered", async () => {
  const receiver = fakeReceiver();
  const account = await createAccount();
  const created = await createMessage(account, {
    channel: "WHATSAPP",
    to: "+15005550004",
    content: { text: `Your code is ${SECRET}` },
    fallback: [{ channel: "SMS", content: { text: `Code ${SECRET}` } }],
    content_retention: "discard",
    status_callback: receiver.url,
  });
  await waitForStatus(account, created.id, ["delivered"], 10_000);
  await eventually(() => receiver.requests.length === 3);
  const dump = await objectStorageDump(created.id);
  const leaks = dump.split(SECRET).length - 1;
  receiver.restore();
  expect(leaks).toBe(0);
});
