import { describe, expect, it } from "vitest";
import { senders } from "../../src/db/schema.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount, rowCount } from "../support/db.ts";
import { addSender } from "../support/resources.ts";

describe("POST /v1/senders with bad input", () => {
  it.each([
    ["an unknown channel", { channel: "fax", address: "+14155550100" }, "channel"],
    ["a number that is not E.164", { channel: "sms", address: "4155550100" }, "address"],
    ["a sender id longer than 11 characters", { channel: "sms", address: "omniflow_verify" }, "address"],
    ["an email address with a display name in it", { channel: "email", address: "Shop <hi@shop.example>" }, "address"],
    ["a phone number on the email channel", { channel: "email", address: "+14155550100" }, "address"],
    ["a phone_number_id on an sms sender", { channel: "sms", address: "+14155550100", phone_number_id: "1065403" }, "phone_number_id"],
    ["a phone_number_id that is not numeric", { channel: "whatsapp", address: "+14155550100", phone_number_id: "abc" }, "phone_number_id"],
    ["a name on a whatsapp sender", { channel: "whatsapp", address: "+14155550100", name: "Shop" }, "name"],
    ["a name with angle brackets", { channel: "email", address: "hi@shop.example", name: "<Shop>" }, "name"],
    ["a default that is not a boolean", { channel: "sms", address: "+14155550100", default: "maybe" }, "default"],
    ["an unknown field", { channel: "sms", address: "+14155550100", priority: 1 }, "priority"],
    ["no address", { channel: "sms" }, "address"],
  ])("refuses %s with a 400 naming the param, and stores nothing", async (_, body, param) => {
    const account = await createAccount("live");
    await expectError(await api("/v1/senders", { key: account.key, json: body }), 400, { param });
    expect(await rowCount(senders, account.id)).toBe(0);
  });

  it("requires a live whatsapp sender's phone_number_id, which a test one may omit", async () => {
    const live = await createAccount("live");
    const error = await expectError(await api("/v1/senders", { key: live.key, json: { channel: "whatsapp", address: "+14155550100" } }), 400, {
      param: "phone_number_id",
    });
    expect(error.message).toMatch(/WhatsApp Manager/);
    expect(await rowCount(senders, live.id)).toBe(0);
    await addSender(await createAccount("test"), { channel: "whatsapp", address: "+14155550100" });
  });

  it("answers 409 for an address the channel already has, however the number is written", async () => {
    const account = await createAccount("live");
    await addSender(account, { channel: "sms", address: "+14155550100" });
    await expectError(await api("/v1/senders", { key: account.key, json: { channel: "sms", address: "+1 (415) 555-0100" } }), 409, {
      code: "resource_already_exists",
      param: "address",
    });
    await addSender(account, { channel: "email", address: "hi@shop.example" });
    await expectError(await api("/v1/senders", { key: account.key, json: { channel: "email", address: "HI@Shop.Example" } }), 409, { param: "address" });
    expect(await rowCount(senders, account.id)).toBe(2);
    // The same address on another channel is another sender.
    await addSender(account, { channel: "whatsapp", address: "+14155550100", phone_number_id: "106540352242922" });
  });
});

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

describe("POST /v1/messages without a usable sender", () => {
  const sms = (from?: string) => ({ channel: "sms", to: "+14155550123", content: { text: "hi" }, ...(from ? { from } : {}) });

  it("refuses from that is not one of a live account's senders for the channel, saying how to add it", async () => {
    const account = await createAccount("live");
    await addSender(account, { channel: "whatsapp", address: "+14155550100", phone_number_id: "106540352242922" });
    const error = await expectError(await api("/v1/messages", { key: account.key, json: sms("+14155550100") }), 400, {
      param: "from",
      code: "resource_missing",
    });
    expect(error.message).toMatch(/not one of your sms senders.*POST \/v1\/senders/);
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

describe("GET /v1/senders with a bad cursor", () => {
  it("refuses a cursor that is not a sender's with a 400 naming cursor", async () => {
    const account = await createAccount();
    await expectError(await api("/v1/senders?cursor=bm9wZQ", { key: account.key }), 400, { param: "cursor" });
  });
});
