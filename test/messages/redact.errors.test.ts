// POST /v1/messages/:id/redact: final messages only (else 409
// message_not_final, nothing changed), the account's own messages only.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { createMessage } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { waitForStatus } from "../support/wait.ts";
import { objectStorageDump, SECRET, secretSms } from "./redact.fixture.ts";

useFakeProviders();

const redact = (key: string, id: string) => api(`/v1/messages/${id}/redact`, { key, method: "POST" });

describe("POST /v1/messages/:id/redact", () => {
  it("redacts a delivered retain message on demand, once", async () => {
    const account = await createAccount();
    const created = await createMessage(account, secretSms());
    const delivered = await waitForStatus(account, created.id, ["delivered"]);
    const res = await redact(account.key, created.id);
    expect(res.status).toBe(200);
    const redacted = await res.json<Record<string, unknown>>();
    expect(redacted).toMatchObject({
      id: created.id,
      status: "delivered",
      delivered_at: delivered.delivered_at,
      content: null,
      redacted_at: expect.any(Number),
    });
    // GET shows it once the projection queue has written the row (docs/architecture.md, "Status projections").
    await expect
      .poll(async () => (await api(`/v1/messages/${created.id}`, { key: account.key })).json(), { timeout: 5_000, interval: 50 })
      .toMatchObject({ content: null, redacted_at: redacted.redacted_at });
    expect(JSON.stringify(await storedMessage(created.id))).not.toContain(SECRET);
    expect(await objectStorageDump(created.id)).not.toContain(SECRET);
    // Again: the same answer, nothing changed.
    expect(await (await redact(account.key, created.id)).json()).toMatchObject({ content: null, redacted_at: redacted.redacted_at });
  });

  it("refuses a queued message with 409 message_not_final and keeps its content", async () => {
    const account = await createAccount();
    const id = await storeMessage(account, { content: { text: SECRET }, rendered: { channel: "sms", text: SECRET } });
    await expectError(await redact(account.key, id), 409, { code: "message_not_final" });
    await projectedMessage(id).toMatchObject({ status: "queued", content: { text: SECRET }, redactedAt: null });
  });

  it("refuses a sent message (its delivery report is still to come)", async () => {
    const { account, id } = await handedOff("sms", { content: { text: SECRET }, rendered: { channel: "sms", text: SECRET } });
    const error = await expectError(await redact(account.key, id), 409, { code: "message_not_final" });
    expect(error.message).toContain("sent");
    await projectedMessage(id).toMatchObject({ content: { text: SECRET } });
  });

  it("answers 404 for another account's message and redacts nothing", async () => {
    const { id, report } = await handedOff("sms", { content: { text: SECRET }, rendered: { channel: "sms", text: SECRET } });
    await report("delivered");
    const stranger = await createAccount("live");
    await expectError(await redact(stranger.key, id), 404, { code: "resource_missing" });
    await projectedMessage(id).toMatchObject({ content: { text: SECRET }, redactedAt: null });
  });
});
