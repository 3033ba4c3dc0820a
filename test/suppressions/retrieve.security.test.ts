// Another account's suppressions do not exist for a key: 404, never listed,
// never lifted, and they refuse none of this account's messages.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";

describe("another account's suppression", () => {
  it("is a 404 to retrieve and delete, is not listed, and suppresses nothing here", async () => {
    const [owner, other] = [await createAccount(), await createAccount()];
    const res = await api("/v1/suppressions", { key: owner.key, json: { channel: "sms", address: "+14155550123" } });
    const { id } = await res.json<{ id: string }>();

    await expectError(await api(`/v1/suppressions/${id}`, { key: other.key }), 404, { code: "resource_missing", param: "id" });
    await expectError(await api(`/v1/suppressions/${id}`, { key: other.key, method: "DELETE" }), 404, { code: "resource_missing" });
    expect((await (await api("/v1/suppressions", { key: other.key })).json<{ data: unknown[] }>()).data).toEqual([]);
    expect((await api("/v1/messages", { key: other.key, json: smsBody() })).status).toBe(201);
    // Still there for its owner.
    expect((await api(`/v1/suppressions/${id}`, { key: owner.key })).status).toBe(200);
    await expectError(await api("/v1/messages", { key: owner.key, json: smsBody() }), 400, { code: "recipient_suppressed" });
  });
});
