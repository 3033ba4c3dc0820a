import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { addSender } from "../support/resources.ts";

describe("senders of another account, and unknown ones", () => {
  it("cannot be sent from with a live key", async () => {
    const owner = await createAccount("live");
    const other = await createAccount("live");
    await addSender(owner, { channel: "sms", address: "+14155550100" });
    await addSender(other, { channel: "sms", address: "+14155550199" });
    const res = await api("/v1/messages", { key: other.key, json: { channel: "sms", to: "+14155550123", from: "+14155550100", content: { text: "hi" } } });
    await expectError(res, 400, { param: "from", code: "resource_missing" });
    expect(await messageCount(other.id)).toBe(0);
  });
});
