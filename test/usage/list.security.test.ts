// One account's usage is never another's: the rollups are read by the key's
// account alone, and a sending_access key may not read them.
import { describe, expect, it } from "vitest";
import { addKey, createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";

describe("GET /v1/usage: isolation", () => {
  it("shows an account none of another account's messages on the same databases", async () => {
    const placement = { home: 1, write: [0, 1], read: [0, 1] };
    const sender = await createAccount("test", { placement });
    const other = await createAccount("test", { placement });
    await setAccountRate(sender, "sms", "US", "0.0079");
    await createMessage(sender, smsBody());
    const res = await api("/v1/usage?group_by=channel", { key: other.key });
    expect(await res.json()).toEqual({ object: "list", data: [] });
  });

  it("refuses a sending_access key", async () => {
    const account = await createAccount();
    const { key } = await addKey(account.id, "test", "sending_access");
    await expectError(await api("/v1/usage", { key }), 403, { type: "permission_error", code: "insufficient_permission" });
  });
});
