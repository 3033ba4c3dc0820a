import { describe, expect, it } from "vitest";
import type { SenderRow } from "../../src/db/schema.ts";
import { pickSender } from "../../src/domain/sender.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { addSender, type SenderObject as Sender } from "../support/resources.ts";

async function sendFrom(account: TestAccount, body: Record<string, unknown>): Promise<string> {
  const res = await api("/v1/messages", { key: account.key, json: { content: { text: "hi" }, ...body } });
  expect(res.status).toBe(201);
  return (await res.json<{ from: string }>()).from;
}

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

  it("retrieves and deletes a sender", async () => {
    const account = await createAccount();
    const sender = await addSender(account, { channel: "sms", address: "+14155550100" });
    expect(await (await api(`/v1/senders/${sender.id}`, { key: account.key })).json()).toEqual(sender);
    const res = await api(`/v1/senders/${sender.id}`, { key: account.key, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: sender.id, object: "sender", deleted: true });
    expect((await api(`/v1/senders/${sender.id}`, { key: account.key })).status).toBe(404);
  });

  it("lists senders newest first, with cursors both ways", async () => {
    const account = await createAccount("live");
    const added: Sender[] = [];
    for (let i = 0; i < 5; i++) added.push(await addSender(account, { channel: "sms", address: `+1415555010${i}` }));
    const newestFirst = added.map((s) => s.id).reverse();
    expect((await listAll<Sender>("/v1/senders", account.key, 2)).map((s) => s.id)).toEqual(newestFirst);

    const first = await (await api("/v1/senders?limit=2", { key: account.key })).json<{ next_cursor: string; prev_cursor: null; has_more: boolean }>();
    expect(first).toMatchObject({ prev_cursor: null, has_more: true });
    const second = await (await api(`/v1/senders?limit=2&cursor=${first.next_cursor}`, { key: account.key })).json<{ data: Sender[]; prev_cursor: string }>();
    expect(second.data.map((s) => s.id)).toEqual(newestFirst.slice(2, 4));
    const back = await (await api(`/v1/senders?limit=2&cursor=${second.prev_cursor}`, { key: account.key })).json<{ data: Sender[]; prev_cursor: null }>();
    expect(back.data.map((s) => s.id)).toEqual(newestFirst.slice(0, 2));
    expect(back.prev_cursor).toBeNull();
  });
});

describe("the default sender pool", () => {
  it("sends from the sandbox sender of each channel when a test key omits from, and says so in from", async () => {
    const account = await createAccount("test");
    expect(await sendFrom(account, { channel: "sms", to: "+14155550123" })).toBe("+15005550006");
    expect(await sendFrom(account, { channel: "whatsapp", to: "+14155550123" })).toBe("+15005550006");
    expect(await sendFrom(account, { channel: "email", to: "ana@example.com", content: { subject: "Hi", text: "hi" } })).toBe(
      "OmniFlow Sandbox <sandbox@omniflow.dev>",
    );
  });

  it("keeps one recipient on one sender, spreads recipients over the pool, and never picks a sender outside it", async () => {
    const account = await createAccount("live");
    const pool = [];
    for (const address of ["+14155550100", "+14155550101", "+14155550102"]) pool.push((await addSender(account, { channel: "sms", address })).address);
    await addSender(account, { channel: "sms", address: "+14155550199", default: false });

    const chosen = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const to = `+4479111234${String(i).padStart(2, "0")}`;
      chosen.set(to, await sendFrom(account, { channel: "sms", to }));
    }
    expect(new Set(chosen.values())).toEqual(new Set(pool));
    for (const [to, from] of [...chosen].slice(0, 10)) expect(await sendFrom(account, { channel: "sms", to })).toBe(from);
  });

  it("moves a recipient to another sender only when its sender leaves the pool", async () => {
    const account = await createAccount("live");
    const pool = [];
    for (const address of ["+14155550100", "+14155550101", "+14155550102"]) pool.push(await addSender(account, { channel: "sms", address }));
    const recipients = Array.from({ length: 24 }, (_, i) => `+4479111234${String(i).padStart(2, "0")}`);
    const before = await Promise.all(recipients.map((to) => sendFrom(account, { channel: "sms", to })));
    await api(`/v1/senders/${pool[0]!.id}`, { key: account.key, method: "DELETE" });
    const after = await Promise.all(recipients.map((to) => sendFrom(account, { channel: "sms", to })));
    const gone = pool[0]!.address;
    after.forEach((from, i) => (before[i] === gone ? expect(from).not.toBe(gone) : expect(from).toBe(before[i])));
  });

  it("picks by rendezvous hashing: an even spread, and a new sender takes only its share", () => {
    const sender = (n: number) => ({ id: `snd_${String(n).padStart(32, "0")}` }) as SenderRow;
    const pool = [sender(1), sender(2), sender(3)];
    const recipients = Array.from({ length: 3000 }, (_, i) => `+1415555${String(i).padStart(4, "0")}`);
    const picks = recipients.map((to) => pickSender(pool, to)!.id);
    for (const { id } of pool) {
      const share = picks.filter((p) => p === id).length / recipients.length;
      expect(share).toBeGreaterThan(0.28);
      expect(share).toBeLessThan(0.39);
    }
    const grown = [...pool, sender(4)];
    const moved = recipients.filter((to, i) => pickSender(grown, to)!.id !== picks[i]);
    expect(moved.every((to) => pickSender(grown, to)!.id === sender(4).id)).toBe(true);
    expect(moved.length / recipients.length).toBeGreaterThan(0.2);
    expect(moved.length / recipients.length).toBeLessThan(0.3);
    expect(pickSender([], "+14155550123")).toBeUndefined();
  });
});

describe("from", () => {
  it("is accepted from a live key when it names one of the account's senders for the channel, default or not", async () => {
    const account = await createAccount("live");
    await addSender(account, { channel: "sms", address: "omni_verify", default: false });
    await addSender(account, { channel: "whatsapp", address: "+14155550100", phone_number_id: "106540352242922" });
    await addSender(account, { channel: "email", address: "billing@example.com", name: "Billing" });
    expect(await sendFrom(account, { channel: "sms", to: "+14155550123", from: "omni_verify" })).toBe("omni_verify");
    expect(await sendFrom(account, { channel: "whatsapp", to: "+14155550123", from: "+1 415 555 0100" })).toBe("+14155550100");
    const email = { channel: "email", to: "ana@example.com", content: { subject: "Receipt", text: "Thanks" } };
    expect(await sendFrom(account, { ...email, from: "Billing@Example.com" })).toBe("Billing@Example.com");
    expect(await sendFrom(account, { ...email, from: "Example Receipts <billing@example.com>" })).toBe("Example Receipts <billing@example.com>");
  });

  it("may be any well-formed address for a test key", async () => {
    const account = await createAccount("test");
    expect(await sendFrom(account, { channel: "sms", to: "+14155550123", from: "MyShop" })).toBe("MyShop");
    expect(await sendFrom(account, { channel: "email", to: "ana@example.com", from: "Shop <hi@shop.example>", content: { subject: "s", text: "t" } })).toBe(
      "Shop <hi@shop.example>",
    );
  });
});
