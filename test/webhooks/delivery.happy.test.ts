import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";
import { sentLiveMessage, signingSecret, verify, webhookAttempts } from "./webhooks.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("status callbacks", () => {
  it("posts one verified event per status change, in order, with the message as GET returns it", async () => {
    receiver = fakeReceiver();
    const account = await createAccount("test");
    const secret = await signingSecret(account);
    const { id } = await createMessage(account, { channel: "WHATSAPP", to: "+919876543210", content: { text: "hi" }, status_callback: receiver.url });
    await eventually(() => receiver.requests.length >= 3, 15_000);
    const events = receiver.requests.map((request) => verify(secret, request));
    expect(events.map((event) => event.type)).toEqual(["message.sent", "message.delivered", "message.read"]);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    for (const event of events) {
      expect(event).toMatchObject({ id: expect.stringMatching(/^evt_[0-9a-f]{32}$/), object: "event", created_at: expect.any(Number) });
      expect(event.data).toMatchObject({ id, object: "message", channel: "whatsapp", to: "+919876543210", status: event.type.slice("message.".length) });
    }
    // GET shows the same message once the projection queue has written it (docs/architecture.md, "Status projections").
    await expect.poll(async () => (await api(`/v1/messages/${id}`, { key: account.key })).json(), { timeout: 5_000, interval: 50 }).toEqual(events[2]!.data);
    const request = receiver.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.headers.get("webhook-id")).toBe(events[0]!.id);
    expect(request.headers.get("authorization")).toBeNull();
    expect(request.headers.get("cookie")).toBeNull();
  }, 20_000);

  it("keeps events in status order when statuses change faster than the receiver answers", async () => {
    receiver = fakeReceiver();
    const { account, stub, report } = await sentLiveMessage(receiver.url);
    await report("delivered");
    await report("read");
    await eventually(() => receiver.requests.length >= 3);
    const secret = await signingSecret(account);
    expect(receiver.requests.map((request) => verify(secret, request).type)).toEqual(["message.sent", "message.delivered", "message.read"]);
    expect((await webhookAttempts(stub)).map((attempt) => attempt.outcome)).toEqual(["delivered", "delivered", "delivered"]);
  });
});
