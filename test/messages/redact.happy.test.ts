// content_retention: a `discard` message's content, variables and rendered
// text are gone once it is final, from the API, D1 and its object's storage and
// event log; status, timestamps and error stay. `retain` keeps them.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { fakeReceiver, useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { createMessage } from "../support/messages.ts";
import { createTemplate } from "../support/resources.ts";
import { eventually, waitForStatus } from "../support/wait.ts";
import { objectStorageDump, SECRET, secretSms } from "./redact.fixture.ts";

useFakeProviders();

describe("content_retention: discard", () => {
  it("removes the content once delivered, everywhere, and keeps the rest", async () => {
    const receiver = fakeReceiver();
    const account = await createAccount();
    const created = await createMessage(account, secretSms({ content_retention: "discard", status_callback: receiver.url }));
    expect(created).toMatchObject({ content: { text: `Your code is ${SECRET}` }, content_retention: "discard", redacted_at: null });

    const message = await waitForStatus(account, created.id, ["delivered"]);
    expect(message).toMatchObject({
      id: created.id,
      to: "+14155550123",
      from: created.from,
      status: "delivered",
      created_at: created.created_at,
      delivered_at: expect.any(Number),
      content: null,
      content_retention: "discard",
      redacted_at: expect.any(Number),
      error: null,
    });
    expect(message.redacted_at).toBeGreaterThanOrEqual(message.delivered_at as number);
    // D1 holds nothing of it.
    await projectedMessage(created.id).toMatchObject({ content: {}, rendered: null, status: "delivered" });
    expect(JSON.stringify(await storedMessage(created.id))).not.toContain(SECRET);
    // Neither does the event log the API shows, nor anything the object stores (its state, events, signed callbacks).
    await eventually(() => receiver.requests.length === 2);
    const events = await (await api(`/v1/messages/${created.id}/events`, { key: account.key })).text();
    expect(events).toContain("status.changed");
    expect(events).not.toContain(SECRET);
    const storage = await objectStorageDump(created.id);
    expect(storage).toContain("delivered");
    expect(storage).not.toContain(SECRET);
    // The final callback already carried no content; the first (sent) one did, when it went.
    const bodies = receiver.requests.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    const delivered = bodies.find((body) => body.type === "message.delivered")!;
    expect(delivered.data).toMatchObject({ content: null, redacted_at: message.redacted_at });
    receiver.restore();
  });

  it("keeps the error of an undelivered message", async () => {
    const { id, report } = await handedOff("sms", { contentRetention: "discard", content: { text: SECRET }, rendered: { channel: "sms", text: SECRET } });
    expect(await report("undelivered", { errorCode: "30003", errorMessage: "Unreachable destination handset" })).toBe("applied");
    await projectedMessage(id).toMatchObject({
      status: "undelivered",
      errorCode: "30003",
      errorMessage: "Unreachable destination handset",
      content: {},
      rendered: null,
      redactedAt: expect.any(Number),
    });
    expect(await objectStorageDump(id)).not.toContain(SECRET);
  });

  it("is not applied before the message is final: a sent message keeps its content", async () => {
    const { id } = await handedOff("sms", { contentRetention: "discard", content: { text: SECRET }, rendered: { channel: "sms", text: SECRET } });
    await projectedMessage(id).toMatchObject({ status: "sent", content: { text: SECRET }, redactedAt: null });
  });
});

describe("content_retention: retain and template defaults", () => {
  it("keeps a retain message's content after delivery (the default)", async () => {
    const account = await createAccount();
    const created = await createMessage(account, secretSms());
    expect(created.content_retention).toBe("retain");
    const message = await waitForStatus(account, created.id, ["delivered"]);
    expect(message).toMatchObject({ content: { text: `Your code is ${SECRET}` }, redacted_at: null });
  });

  it("takes the template's default, and the create's own value over it", async () => {
    const account = await createAccount();
    const template = await createTemplate(account, { id: "otp", sms: { text: "Code {{code}}" }, content_retention: "discard" });
    expect(template.content_retention).toBe("discard");
    const content = { template_id: "otp", variables: { code: SECRET } };
    const byTemplate = await createMessage(account, { channel: "SMS", to: "+14155550123", content });
    const overridden = await createMessage(account, { channel: "SMS", to: "+14155550123", content, content_retention: "retain" });
    expect([byTemplate.content_retention, overridden.content_retention]).toEqual(["discard", "retain"]);
    expect(await waitForStatus(account, byTemplate.id, ["delivered"])).toMatchObject({ content: null });
    expect(await waitForStatus(account, overridden.id, ["delivered"])).toMatchObject({ content });
    // A template without one says retain; an update changes it.
    const plain = await createTemplate(account, { id: "plain", sms: { text: "Hi" } });
    expect(plain.content_retention).toBe("retain");
    const updated = await api("/v1/templates/plain", { key: account.key, json: { content_retention: "discard" } });
    expect(await updated.json()).toMatchObject({ content_retention: "discard", sms: { text: "Hi" } });
  });
});
