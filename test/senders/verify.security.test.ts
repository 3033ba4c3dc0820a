import { describe, expect, it } from "vitest";
import { senders } from "../../src/db/control-schema.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount, rowCount } from "../support/db.ts";
import { bindSender, freshEmail, freshNumber, freshPhoneNumberId, type SenderObject } from "../support/resources.ts";
import { codeIn, codeSentTo, sendFrom, useVerificationFakes } from "./verification.fixture.ts";

const fakes = useVerificationFakes();

const addSender = (account: TestAccount, json: Record<string, unknown>) => api("/v1/senders", { key: account.key, json });

/** The 409 says the address is taken, never by whom. */
async function expectTaken(res: Response, param: string, holder: TestAccount): Promise<void> {
  const error = await expectError(res, 409, { code: "sender_unavailable", param });
  expect(error.message).not.toContain(holder.id);
}

describe("a live address belongs to one account", () => {
  it.each(["sms", "whatsapp", "email"] as const)("refuses a %s address another account holds: 409, nothing stored, no code sent", async (channel) => {
    const holder = await createAccount("live");
    const held = await bindSender(holder, channel);
    const other = await createAccount("live");
    const extra = channel === "whatsapp" ? { phone_number_id: freshPhoneNumberId() } : {};
    // However it is written: the number with spaces, the email address in capitals.
    const written = channel === "email" ? held.address.toUpperCase() : held.address.replace(/^\+1(\d{3})/, "+1 ($1) ");
    await expectTaken(await addSender(other, { channel, address: written, ...extra }), "address", holder);
    expect(await rowCount(senders, other.id)).toBe(0);
    expect(fakes.providers.requests).toEqual([]);
    // And it cannot send from it.
    expect(await sendFrom(other, channel, held.address)).toBe(400);
    expect(await messageCount(other.id)).toBe(0);
  });

  it("refuses a WhatsApp phone_number_id another account holds, with any number", async () => {
    const holder = await createAccount("live");
    const held = await bindSender(holder, "whatsapp");
    const other = await createAccount("live");
    const res = await addSender(other, { channel: "whatsapp", address: freshNumber(), phone_number_id: held.phone_number_id });
    await expectTaken(res, "phone_number_id", holder);
    expect(await rowCount(senders, other.id)).toBe(0);
  });

  it("lets only the first of two pending claims be proven: the second verify is a 409 and stays pending", async () => {
    const address = freshEmail();
    const [first, second] = [await createAccount("live"), await createAccount("live")];
    const claims: (SenderObject & { verification: { record_name: string; record_value: string } })[] = [];
    for (const account of [first, second]) {
      const res = await addSender(account, { channel: "email", address });
      expect(res.status).toBe(201);
      claims.push(await res.json());
    }
    // Both tokens published (the domain's owner let both try).
    for (const claim of claims) fakes.dns.publishTxt(claim.verification.record_name, claim.verification.record_value);
    expect((await api(`/v1/senders/${claims[0]!.id}/verify`, { key: first.key, method: "POST" })).status).toBe(200);
    await expectTaken(await api(`/v1/senders/${claims[1]!.id}/verify`, { key: second.key, method: "POST" }), "address", first);
    const after = await (await api(`/v1/senders/${claims[1]!.id}`, { key: second.key })).json<SenderObject>();
    expect(after.status).toBe("pending_verification");
    expect(await sendFrom(second, "email", address)).toBe(400);
    expect(await sendFrom(first, "email", address)).toBe(201);
  });

  it("lets a code prove a number only for the account that asked for it", async () => {
    const [owner, intruder] = [await createAccount("live"), await createAccount("live")];
    const res = await addSender(owner, { channel: "sms", address: freshNumber() });
    const sender = await res.json<SenderObject>();
    const code = codeIn(await codeSentTo(fakes.providers, sender.address));
    await expectError(await api(`/v1/senders/${sender.id}/verify`, { key: intruder.key, json: { code } }), 404, { code: "resource_missing" });
    expect((await api(`/v1/senders/${sender.id}`, { key: owner.key })).status).toBe(200);
  });
});

describe("a sender pending verification", () => {
  it("cannot send, named or from the default pool: 400 naming from, nothing stored", async () => {
    const account = await createAccount("live");
    const address = freshNumber();
    expect((await addSender(account, { channel: "sms", address })).status).toBe(201);
    const named = await api("/v1/messages", { key: account.key, json: { channel: "sms", to: "+14155550123", from: address, content: { text: "hi" } } });
    const error = await expectError(named, 400, { code: "resource_missing", param: "from" });
    expect(error.message).toMatch(/not one of your verified sms senders/);
    const pooled = await api("/v1/messages", { key: account.key, json: { channel: "sms", to: "+14155550123", content: { text: "hi" } } });
    await expectError(pooled, 400, { code: "no_default_sender", param: "from" });
    expect(await messageCount(account.id)).toBe(0);
  });
});
