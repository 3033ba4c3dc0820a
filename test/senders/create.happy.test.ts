import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { addSender } from "../support/resources.ts";

describe("senders CRUD", () => {
  it("gives every test-mode account a sandbox default sender per channel, and a live one none", async () => {
    const test = await createAccount("test");
    const senders = await listAll<Record<string, unknown>>("/v1/senders", test.key, 10);
    expect(senders.map(({ channel, address, name, default: isDefault }) => ({ channel, address, name, default: isDefault }))).toEqual(
      expect.arrayContaining([
        { channel: "sms", address: "+15005550006", name: null, default: true },
        { channel: "whatsapp", address: "+15005550006", name: null, default: true },
        { channel: "email", address: "sandbox@omniflow.dev", name: "OmniFlow Sandbox", default: true },
      ]),
    );
    expect(senders).toHaveLength(3);
    const live = await createAccount("live");
    expect(await listAll("/v1/senders", live.key, 10)).toEqual([]);
  });

  it("adds senders per channel, normalized, in the pool unless default is false", async () => {
    const account = await createAccount("live");
    expect(await addSender(account, { channel: "SMS", address: "+1 415 555 0100" })).toEqual({
      id: expect.stringMatching(/^snd_[0-9a-f]{32}$/),
      object: "sender",
      channel: "sms",
      address: "+14155550100",
      phone_number_id: null,
      name: null,
      default: true,
      // A live number is proven by the code just sent to it (verify.happy tests the flow).
      status: "pending_verification",
      verification: {
        method: "code",
        record_type: null,
        record_name: null,
        record_value: null,
        attempts_remaining: 5,
        expires_at: expect.any(Number),
      },
      created_at: expect.any(Number),
    });
    expect(await addSender(account, { channel: "sms", address: "omni_verify", default: false })).toMatchObject({ address: "omni_verify", default: false });
    expect(await addSender(account, { channel: "whatsapp", address: "+14155550100", phone_number_id: "106540352242922" })).toMatchObject({
      channel: "whatsapp",
      phone_number_id: "106540352242922",
    });
    expect(await addSender(account, { channel: "email", address: "Billing@Example.com", name: "Example Billing" })).toMatchObject({
      address: "billing@example.com",
      name: "Example Billing",
    });
  });

  it("adds a sender from a form-encoded body", async () => {
    const account = await createAccount();
    const res = await api("/v1/senders", { key: account.key, form: "channel=sms&address=+14155550100&default=false" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ address: "+14155550100", default: false });
  });
});
