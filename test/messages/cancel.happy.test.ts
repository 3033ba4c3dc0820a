// Scheduled messages: `send_at` keeps a message `scheduled` until
// its Durable Object's alarm sends it; POST /v1/messages/:id/cancel ends it
// `canceled`, once. The alarm is run by hand at the time it would ring.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { afterSeconds, callbacks, getMessage, handOffs, shownMessage } from "../delivery/delivery-controls.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, listMessages, smsBody } from "../support/messages.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver?.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const cancel = (key: string, id: string) => api(`/v1/messages/${id}/cancel`, { key, method: "POST" });
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("scheduled messages", () => {
  it("stay scheduled until send_at, then go out from the object's alarm with no callback for being queued", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const sendAt = Math.floor(Date.now() / 1000) + 120;
    const created = await createMessage(account, smsBody({ send_at: sendAt, status_callback: receiver.url }));
    expect(created).toMatchObject({ status: "scheduled", send_at: sendAt, expires_at: null });
    expect(await getMessage(account, created.id)).toMatchObject({ status: "scheduled" });
    // Its event log starts where the message did: scheduled.
    const events = await (await api(`/v1/messages/${created.id}/events`, { key: account.key })).json<{ data: { type: string; data: object }[] }>();
    expect(events.data[0]).toMatchObject({ type: "message.created", data: { status: "scheduled" } });
    const stub = messageStatusStub(env, created.id);
    expect(await handOffs(stub)).toEqual([]);

    expect(await afterSeconds(stub, 121)).toBe(true);
    await shownMessage(account, created.id).toMatchObject({ status: "sent" });
    expect(await handOffs(stub)).toHaveLength(1);
    expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.sent"]);
  });

  it("take send_at as Unix seconds or ISO 8601, in JSON and in form bodies alike", async () => {
    const account = await createAccount();
    const at = inAnHour();
    const iso = new Date(at * 1000).toISOString().replace(".000Z", "+00:00");
    const byNumber = await createMessage(account, smsBody({ send_at: at }));
    const byIso = await createMessage(account, smsBody({ send_at: iso }));
    const form = await api("/v1/messages", { key: account.key, form: `channel=SMS&to=%2B14155550123&content[text]=hi&send_at=${at}&validity_period=60` });
    expect(form.status).toBe(201);
    expect([byNumber.send_at, byIso.send_at, (await form.json<{ send_at: number; expires_at: number }>()).send_at]).toEqual([at, at, at]);
  });

  it("can be canceled before their time: canceled, with one callback, and nothing is ever sent", async () => {
    receiver = fakeReceiver();
    const account = await createAccount();
    const { id } = await createMessage(account, smsBody({ send_at: inAnHour(), status_callback: receiver.url }));
    expect((await listMessages(account.key, { status: "scheduled" })).data.map((m) => m.id)).toEqual([id]);

    const res = await cancel(account.key, id);
    expect(res.status).toBe(200);
    const canceled = await res.json<Record<string, unknown>>();
    expect(canceled).toMatchObject({ id, object: "message", status: "canceled", error: null });
    // GET shows it once the projection queue has written the row (docs/architecture.md, "Status projections").
    await shownMessage(account, id).toEqual(canceled);
    expect(callbacks(receiver).map((event) => [event.type, event.data.status])).toEqual([["message.canceled", "canceled"]]);
    expect((await listMessages(account.key, { status: "canceled" })).data.map((m) => m.id)).toEqual([id]);
    expect((await listMessages(account.key, { status: "scheduled" })).data).toEqual([]);

    // Canceling again answers the same message, and makes no second callback.
    const again = await cancel(account.key, id);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(canceled);
    expect(receiver.requests).toHaveLength(1);

    // No alarm is left to send it: past its send time, the one ring left is the row's check (row-check.ts), and then none.
    const stub = messageStatusStub(env, id);
    expect(await afterSeconds(stub, 3601)).toBe(true);
    expect(await afterSeconds(stub, 3601)).toBe(false);
    expect(await handOffs(stub)).toEqual([]);
  });
});
