import { describe, expect, it } from "vitest";
import type { CreateMessageParams, Message } from "../../sdk/src/index.ts";
import { createAccount, seedExample } from "../support/accounts.ts";
import { clientFor } from "./sdk.fixture.ts";

describe("the SDK against the Worker", () => {
  it("creates a message, then retrieves it", async () => {
    const account = await createAccount();
    await seedExample(account);
    const omniflow = clientFor(account.key);
    const created = await omniflow.messages.create({
      channel: "WHATSAPP",
      to: "+919876543210",
      from: "omni_verify",
      content: { template_id: "auth_otp", variables: { code: "849201" } },
      status_callback: "https://your-app.com/webhooks/omniflow",
    });
    expect(created).toMatchObject({ object: "message", channel: "whatsapp", status: "queued", to: "+919876543210" });
    expect(await omniflow.messages.retrieve(created.id)).toEqual(created);
  });

  it("sends a batch, retrieves it and cancels its scheduled messages", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const batch = await omniflow.messages.batch(
      {
        validation: "permissive",
        metadata: { campaign: "c1" },
        messages: [
          { channel: "SMS", to: "+14155550123", content: { text: "Shift at 9" }, send_at: sendAt, metadata: { staff_id: "s_1" } },
          { channel: "SMS", to: "not a number", content: { text: "Shift at 9" } },
        ],
      },
      { idempotencyKey: "sdk-batch-1" },
    );
    expect(batch.data[0]).toMatchObject({ status: "scheduled", batch_id: batch.id, metadata: { campaign: "c1", staff_id: "s_1" } });
    expect(batch.data[1]).toBeNull();
    expect(batch.errors).toMatchObject([{ index: 1, error: { param: "to" } }]);
    expect(await omniflow.batches.retrieve(batch.id)).toMatchObject({ id: batch.id, total: 1, metadata: { campaign: "c1" } });
    expect(await omniflow.batches.cancel(batch.id)).toEqual({ object: "batch_cancel", batch_id: batch.id, canceled: 1, not_cancelable: 0 });
    await expect(omniflow.messages.batch({ messages: [{ channel: "SMS", to: "x", content: { text: "hi" } }] })).rejects.toMatchObject({
      status: 400,
      code: "batch_invalid",
    });
  });

  it("previews a message and a template; the create then sends what the preview said", async () => {
    const account = await createAccount();
    await seedExample(account);
    const omniflow = clientFor(account.key);
    const body: CreateMessageParams = {
      channel: "SMS",
      to: "+14155550123",
      content: { template_id: "auth_otp", variables: { code: "849201" } },
      max_segments: 1,
    };
    const preview = await omniflow.messages.preview(body);
    expect(preview).toMatchObject({ object: "message_preview", content: { text: "Your OmniFlow verification code is 849201" }, encoding: "gsm7", segments: 1 });
    expect(await omniflow.messages.create(body)).toMatchObject({ from: preview.from, encoding: "gsm7", segments: 1 });
    const template = await omniflow.templates.preview("auth_otp", { variables: { code: "849201" }, channel: "sms" });
    expect(template.sms).toEqual({ text: "Your OmniFlow verification code is 849201", encoding: "gsm7", segments: 1 });
    await expect(omniflow.templates.preview("missing", { variables: {} })).rejects.toMatchObject({ status: 404, code: "resource_missing" });
  });

  it("creates, rolls and revokes API keys; the rolled and revoked keys stop working", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const created = await omniflow.apiKeys.create({ name: "ci", permission: "full_access" });
    expect(created).toMatchObject({ object: "api_key", name: "ci", mode: "test", revoked_at: null });
    const rolled = await omniflow.apiKeys.roll(created.id);
    await expect(clientFor(created.secret).apiKeys.retrieve(rolled.id)).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((await clientFor(rolled.secret).apiKeys.retrieve(rolled.id)).name).toBe("ci");
    expect((await omniflow.apiKeys.revoke(rolled.id)).revoked_at).not.toBeNull();
    await expect(clientFor(rolled.secret).apiKeys.listPage()).rejects.toMatchObject({ status: 401 });
    const page = await omniflow.apiKeys.listPage({ limit: 10 });
    expect(page.data.map((key) => key.id)).toEqual([rolled.id, created.id, expect.stringMatching(/^key_/)]);
  });

  it("authenticates with the key as a Bearer token and sends Idempotency-Key when given", async () => {
    const account = await createAccount();
    const seen: Request[] = [];
    await clientFor(account.key, seen).messages.create({ channel: "sms", to: "+14155550123", content: { text: "hi" } }, { idempotencyKey: "order-1234-otp" });
    expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${account.key}`);
    expect(seen[0]!.headers.get("idempotency-key")).toBe("order-1234-otp");
  });

  it("lists every message across pages, newest first, with auto-pagination", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const created: Message[] = [];
    for (const text of ["one", "two", "three", "four", "five"]) {
      created.push(await omniflow.messages.create({ channel: "sms", to: "+14155550123", content: { text } }));
    }
    const seen: Request[] = [];
    const listed: Message[] = [];
    for await (const message of clientFor(account.key, seen).messages.list({ limit: 2 })) listed.push(message);
    expect(listed.map((m) => m.id)).toEqual(created.map((m) => m.id).reverse());
    expect(seen).toHaveLength(3);
  });

  it("stops after an empty first page", async () => {
    const account = await createAccount();
    const listed: Message[] = [];
    for await (const message of clientFor(account.key).messages.list()) listed.push(message);
    expect(listed).toEqual([]);
  });

  it("adds a sender, verifies it, retrieves, lists and deletes it", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const sender = await omniflow.senders.create({ channel: "email", address: "hi@shop.example", name: "Shop", default: false });
    expect(sender).toMatchObject({ object: "sender", address: "hi@shop.example", status: "sandbox", verification: null });
    expect(await omniflow.senders.verify(sender.id)).toEqual(sender);
    expect(await omniflow.senders.retrieve(sender.id)).toEqual(sender);
    expect((await omniflow.senders.listPage({ limit: 1 })).data).toEqual([sender]);
    await omniflow.senders.delete(sender.id);
    await expect(omniflow.senders.retrieve(sender.id)).rejects.toMatchObject({ status: 404, code: "resource_missing" });
  });
});

describe("the SDK's Verify methods", () => {
  it("starts a verification, reads its code through the test helper, checks it and lists it", async () => {
    const account = await createAccount();
    const omniflow = clientFor(account.key);
    const verification = await omniflow.verifications.create({ to: "+14155550123", channels: ["SMS"], code_length: 8 });
    expect(verification).toMatchObject({ object: "verification", status: "pending", channel: "sms" });
    const code = await omniflow.testHelpers.verificationCode(verification.id);
    expect(await omniflow.verifications.check(verification.id, code)).toMatchObject({ status: "approved", valid: true });
    expect(await omniflow.verifications.retrieve(verification.id)).toMatchObject({ status: "approved" });
    await expect(omniflow.verifications.cancel(verification.id)).rejects.toMatchObject({ status: 409, code: "verification_not_pending" });
  });
});
