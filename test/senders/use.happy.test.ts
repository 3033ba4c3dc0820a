import { describe, expect, it } from "vitest";
import { pickSender } from "../../src/domain/sender.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { bindSender } from "../support/resources.ts";

async function sendFrom(account: TestAccount, body: Record<string, unknown>): Promise<string> {
  const res = await api("/v1/messages", { key: account.key, json: { content: { text: "hi" }, ...body } });
  expect(res.status).toBe(201);
  return (await res.json<{ from: string }>()).from;
}

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
    for (let i = 0; i < 3; i++) pool.push((await bindSender(account, "sms")).address);
    await bindSender(account, "sms", { default: false });

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
    for (let i = 0; i < 3; i++) pool.push(await bindSender(account, "sms"));
    const recipients = Array.from({ length: 24 }, (_, i) => `+4479111234${String(i).padStart(2, "0")}`);
    const before = await Promise.all(recipients.map((to) => sendFrom(account, { channel: "sms", to })));
    await api(`/v1/senders/${pool[0]!.id}`, { key: account.key, method: "DELETE" });
    const after = await Promise.all(recipients.map((to) => sendFrom(account, { channel: "sms", to })));
    const gone = pool[0]!.address;
    for (const [i, from] of after.entries()) {
      if (before[i] === gone) expect(from).not.toBe(gone);
      else expect(from).toBe(before[i]);
    }
  });

  it("picks by rendezvous hashing: an even spread, and a new sender takes only its share", () => {
    const sender = (n: number) => ({ id: `snd_${String(n).padStart(32, "0")}` }) as Parameters<typeof pickSender>[0][number];
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
    const senderId = `v${crypto.randomUUID().slice(0, 8)}`;
    await bindSender(account, "sms", { address: senderId, default: false });
    const whatsapp = await bindSender(account, "whatsapp");
    const billing = (await bindSender(account, "email", { name: "Billing" })).address;
    expect(await sendFrom(account, { channel: "sms", to: "+14155550123", from: senderId })).toBe(senderId);
    // Written another way, the number is still the sender's.
    const spaced = whatsapp.address.replace(/^\+1(\d{3})(\d{3})/, "+1 $1 $2 ");
    expect(await sendFrom(account, { channel: "whatsapp", to: "+14155550123", from: spaced })).toBe(whatsapp.address);
    const email = { channel: "email", to: "ana@example.com", content: { subject: "Receipt", text: "Thanks" } };
    const shouted = billing.toUpperCase();
    expect(await sendFrom(account, { ...email, from: shouted })).toBe(shouted);
    expect(await sendFrom(account, { ...email, from: `Example Receipts <${billing}>` })).toBe(`Example Receipts <${billing}>`);
  });

  it("may be any well-formed address for a test key", async () => {
    const account = await createAccount("test");
    expect(await sendFrom(account, { channel: "sms", to: "+14155550123", from: "MyShop" })).toBe("MyShop");
    expect(await sendFrom(account, { channel: "email", to: "ana@example.com", from: "Shop <hi@shop.example>", content: { subject: "s", text: "t" } })).toBe(
      "Shop <hi@shop.example>",
    );
  });
});
