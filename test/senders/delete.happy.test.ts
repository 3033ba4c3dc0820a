import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { addSender } from "../support/resources.ts";

describe("senders CRUD", () => {
  it("retrieves and deletes a sender", async () => {
    const account = await createAccount();
    const sender = await addSender(account, { channel: "sms", address: "+14155550100" });
    expect(await (await api(`/v1/senders/${sender.id}`, { key: account.key })).json()).toEqual(sender);
    const res = await api(`/v1/senders/${sender.id}`, { key: account.key, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: sender.id, object: "sender", deleted: true });
    expect((await api(`/v1/senders/${sender.id}`, { key: account.key })).status).toBe(404);
  });
});
