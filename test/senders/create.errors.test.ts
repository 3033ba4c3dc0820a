import { describe, expect, it } from "vitest";
import { senders } from "../../src/db/control-schema.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { rowCount } from "../support/db.ts";
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
