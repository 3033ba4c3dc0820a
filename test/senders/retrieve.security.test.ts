import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { addSender } from "../support/resources.ts";

describe("senders of another account, and unknown ones", () => {
  it("are 404 to retrieve and delete, and stay", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const sender = await addSender(owner, { channel: "sms", address: "+14155550100" });
    for (const method of ["GET", "DELETE"]) {
      await expectError(await api(`/v1/senders/${sender.id}`, { key: other.key, method }), 404, {
        code: "resource_missing",
        message: `No such sender: '${sender.id}'`,
        param: "id",
      });
    }
    expect((await api(`/v1/senders/${sender.id}`, { key: owner.key })).status).toBe(200);
    expect((await api("/v1/senders/snd_00000000000000000000000000000000", { key: owner.key, method: "DELETE" })).status).toBe(404);
  });
});
