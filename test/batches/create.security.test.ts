// Who may send and read batches: a sending_access key sends a batch (as it
// sends a message) but reads no batch; another account's key reaches none
// (retrieve.happy.test.ts covers its 404s); a batch's items are limited per
// recipient as single creates are.
import { describe, expect, it } from "vitest";
import { addKey, createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

describe("POST /v1/messages/batch and /v1/batches access", () => {
  it("a sending_access key sends a batch but cannot read or cancel it", async () => {
    const account = await createAccount();
    const { key } = await addKey(account.id, "test", "sending_access");
    const res = await api("/v1/messages/batch", { key, json: { messages: [smsBody()] } });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    await expectError(await api(`/v1/batches/${batch.id}`, { key }), 403, { type: "permission_error" });
    await expectError(await api(`/v1/batches/${batch.id}/cancel`, { key, method: "POST" }), 403, { type: "permission_error" });
  });

  it("counts each item against the per-recipient hourly limit, as separate creates would", async () => {
    const account = await createAccount();
    expect((await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 2 } } })).status).toBe(200);
    const messages = [smsBody({ to: recipient(1) }), smsBody({ to: recipient(1) }), smsBody({ to: recipient(1) }), smsBody({ to: recipient(2) })];
    const batch = await (await sendBatch(account, { validation: "permissive", messages })).json<BatchAnswer>();
    expect(batch.data.map((m) => m !== null)).toEqual([true, true, false, true]);
    expect(batch.errors.map(({ index, error }) => [index, error.code])).toEqual([[2, "recipient_rate_limited"]]);
    // The batch took the recipient's two tokens: a single create to it is refused too.
    await expectError(await api("/v1/messages", { key: account.key, json: smsBody({ to: recipient(1) }) }), 429, {
      type: "rate_limit_error",
      code: "recipient_rate_limited",
    });
  });
});
