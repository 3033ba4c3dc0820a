import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { type FakeHttp, fakeDns, fakeProviders } from "../support/fake-http.ts";
import { bindSender, freshEmail, freshNumber, type SenderObject } from "../support/resources.ts";
import { codeIn, codeSentTo, sendFrom } from "./verification.fixture.ts";

let providers: FakeHttp;
beforeEach(() => {
  providers = fakeProviders();
});
afterEach(() => {
  providers.restore();
  vi.restoreAllMocks();
});

describe("an email sender proven by its domain's TXT record", () => {
  it("issues a TXT record to publish, and verifies the sender once DNS carries it", async () => {
    const dns = fakeDns();
    const account = await createAccount("live");
    const address = freshEmail();
    const res = await api("/v1/senders", { key: account.key, json: { channel: "email", address, name: "Acme" } });
    expect(res.status).toBe(201);
    const pending = await res.json<SenderObject & { verification: Record<string, unknown> }>();
    const domain = address.split("@")[1]!;
    expect(pending).toMatchObject({
      status: "pending_verification",
      verification: { method: "dns_txt", record_type: "TXT", record_name: `_omniflow-verification.${domain}` },
    });
    const value = pending.verification.record_value as string;
    expect(value).toMatch(/^omniflow-verification=[0-9a-f]{32}$/);

    dns.publishTxt(`_omniflow-verification.${domain}`, "v=spf1 -all");
    dns.publishTxt(`_omniflow-verification.${domain}`, value);
    const verified = await api(`/v1/senders/${pending.id}/verify`, { key: account.key, method: "POST" });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ id: pending.id, status: "verified", verification: null });
    // Asked as RFC 8484's JSON dialect: the name, type TXT, and the JSON media type.
    const [asked] = dns.requests;
    expect(asked!.url.searchParams.get("name")).toBe(`_omniflow-verification.${domain}`);
    expect(asked!.url.searchParams.get("type")).toBe("TXT");
    expect(asked!.headers.get("accept")).toBe("application/dns-json");
    expect(await sendFrom(account, "email", `Acme <${address}>`)).toBe(201);
    dns.restore();
  });
});

describe("a number proven by a one-time code", () => {
  async function addNumber(account: TestAccount, channel: "sms" | "whatsapp"): Promise<SenderObject> {
    const extra = channel === "whatsapp" ? { phone_number_id: `1${Date.now()}` } : {};
    const res = await api("/v1/senders", { key: account.key, json: { channel, address: freshNumber(), ...extra } });
    expect(res.status).toBe(201);
    return res.json();
  }

  it.each(["sms", "whatsapp"] as const)("sends a code by SMS to a %s number through the pipeline, and verifies the sender with it", async (channel) => {
    const account = await createAccount("live");
    const sender = await addNumber(account, channel);
    expect(sender).toMatchObject({ status: "pending_verification", verification: { method: "code", attempts_remaining: 5 } });
    const sms = await codeSentTo(providers, sender.address);
    // From the platform's own sender (vitest.config.ts), never the number being proven.
    expect(sms.get("From")).toBe("+15005550006");
    expect(sms.get("Body")).toMatch(/verification code is \d{6}\. It expires in 10 minutes\./);

    const res = await api(`/v1/senders/${sender.id}/verify`, { key: account.key, json: { code: codeIn(sms) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "verified", verification: null });
    // Verifying again changes nothing.
    expect((await api(`/v1/senders/${sender.id}/verify`, { key: account.key, method: "POST" })).status).toBe(200);
    expect(await sendFrom(account, channel, sender.address)).toBe(201);
  });

  it("keeps the code message out of the account's reach: not in its messages, not retrievable", async () => {
    const account = await createAccount("live");
    const sender = await addNumber(account, "sms");
    await codeSentTo(providers, sender.address);
    expect(await messageCount(account.id)).toBe(0);
    const list = await (await api("/v1/messages", { key: account.key })).json<{ data: unknown[] }>();
    expect(list.data).toEqual([]);
  });
});

describe("an alphanumeric sender id", () => {
  it("waits for the operator: verify cannot prove it, the operator's binding approves the same sender", async () => {
    const account = await createAccount("live");
    const name = `A${crypto.randomUUID().slice(0, 8)}`;
    const res = await api("/v1/senders", { key: account.key, json: { channel: "sms", address: name } });
    expect(res.status).toBe(201);
    const pending = await res.json<SenderObject>();
    expect(pending).toMatchObject({ status: "pending_verification", verification: { method: "operator" } });
    const refused = await api(`/v1/senders/${pending.id}/verify`, { key: account.key, method: "POST" });
    expect(refused.status).toBe(400);
    expect(await sendFrom(account, "sms", name)).toBe(400);

    const approved = await bindSender(account, "sms", { address: name });
    expect(approved).toMatchObject({ id: pending.id, status: "operator_bound", verification: null });
    expect(await sendFrom(account, "sms", name)).toBe(201);
    expect(providers.requests.every((request) => new URLSearchParams(request.body).get("To") !== name)).toBe(true);
  });
});

describe("test mode", () => {
  it("keeps sandbox senders: any well-formed address, usable at once, shared by any number of accounts", async () => {
    for (const account of [await createAccount("test"), await createAccount("test")]) {
      const res = await api("/v1/senders", { key: account.key, json: { channel: "sms", address: "+14155550100" } });
      expect(await res.json()).toMatchObject({ status: "sandbox", verification: null });
      expect(await sendFrom(account, "sms", "+14155550100")).toBe(201);
    }
  });
});
