// retention_days meets send_at (issues 15 and 16 together): a message may be
// scheduled up to 35 days ahead, an account may keep messages for 1 day. The
// maintenance run must not delete a message that has not been sent yet: its
// row and its object's send alarm would go, and it would never be sent.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { idCreatedAt, runConsumer, storeMessage } from "../support/queue.ts";
import { retainAll } from "../support/retention.ts";
import { waitForStatusThroughQueue } from "../support/wait.ts";
import { emailStep } from "./delivery-controls.fixture.ts";

const DAY_MS = 86_400_000;

it("keeps a scheduled message whose send time is still ahead, however old its creation", async () => {
  const account = await createAccount();
  expect((await api("/v1/account", { key: account.key, json: { retention_days: 1 } })).status).toBe(200);
  // Created two days ago, to be sent a day from now.
  const createdMs = Date.now() - 2 * DAY_MS;
  const sendAt = Math.floor((Date.now() + DAY_MS) / 1000);
  const id = await storeMessage(account, { id: idCreatedAt(account, createdMs), createdAt: Math.floor(createdMs / 1000), status: "scheduled", sendAt });
  await messageStatusStub(env, id).schedule(id, sendAt * 1000);
  await retainAll("messages");
  const res = await api(`/v1/messages/${id}`, { key: account.key });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: "scheduled" });
});

it("keeps a message whose fallback chain is still under way past retention_days", async () => {
  const account = await createAccount();
  expect((await api("/v1/account", { key: account.key, json: { retention_days: 1 } })).status).toBe(200);
  // Created 25 hours ago; its first step was handed off, the email step starts after fallback_after (a day).
  const createdMs = Date.now() - 25 * 3_600_000;
  // +15005550008: the sandbox accepts it and its report never comes, so the step stays sent until fallback_after.
  const id = await storeMessage(account, {
    id: idCreatedAt(account, createdMs),
    to: "+15005550008",
    createdAt: Math.floor(createdMs / 1000),
    fallback: [emailStep],
    fallbackAfter: 86_400,
  });
  await runConsumer([id]);
  // The status reaches the row through the projection queue: within about a second.
  await waitForStatusThroughQueue(account, id, ["sent"]);
  await retainAll("messages");
  expect((await api(`/v1/messages/${id}`, { key: account.key })).status).toBe(200);
});
