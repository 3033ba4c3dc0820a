import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { addSender } from "../support/resources.ts";

describe("POST /v1/messages without a usable sender", () => {
  const sms = (from?: string) => ({ channel: "sms", to: "+14155550123", content: { text: "hi" }, ...(from ? { from } : {}) });

  it("refuses from that is not one of a live account's senders for the channel, saying how to add it", async () => {
    const account = await createAccount("live");
    await addSender(account, { channel: "whatsapp", address: "+14155550100", phone_number_id: "106540352242922" });
    const error = await expectError(await api("/v1/messages", { key: account.key, json: sms("+14155550100") }), 400, {
      param: "from",
      code: "resource_missing",
    });
    expect(error.message).toMatch(/not one of your verified sms senders.*POST \/v1\/senders/);
    expect(await messageCount(account.id)).toBe(0);
  });

  it("refuses a message without from when the channel has no default sender, saying how to add one", async () => {
    const account = await createAccount("live");
    await addSender(account, { channel: "sms", address: "+14155550100", default: false });
    const error = await expectError(await api("/v1/messages", { key: account.key, json: sms() }), 400, { param: "from", code: "no_default_sender" });
    expect(error.message).toMatch(/no default sms sender.*POST \/v1\/senders.*default=true/);
    expect(await messageCount(account.id)).toBe(0);
  });

  it("refuses a test key's message without from once its sandbox sender for the channel is deleted", async () => {
    const account = await createAccount("test");
    const list = await (await api("/v1/senders", { key: account.key })).json<{ data: { id: string; channel: string }[] }>();
    const smsSender = list.data.find((s) => s.channel === "sms")!;
    await api(`/v1/senders/${smsSender.id}`, { key: account.key, method: "DELETE" });
    await expectError(await api("/v1/messages", { key: account.key, json: sms() }), 400, { code: "no_default_sender" });
    expect(await messageCount(account.id)).toBe(0);
    expect((await api("/v1/messages", { key: account.key, json: { ...sms(), channel: "whatsapp" } })).status).toBe(201);
  });

  it("refuses a from that is not a well-formed address, even for a test key", async () => {
    const account = await createAccount("test");
    await expectError(await api("/v1/messages", { key: account.key, json: sms("not a sender!") }), 400, { param: "from" });
    expect(await messageCount(account.id)).toBe(0);
  });
});
