// The per-message Durable Object: ordering of status reports, alarms, and
// keeping D1 in step with it.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { MessageStore } from "../../src/delivery/message-store.ts";
import { createAccount } from "../support/accounts.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { runConsumer, storeMessage } from "../support/queue.ts";

useFakeProviders();

const statusChanges = async (stub: ReturnType<typeof messageStatusStub>) =>
  (await stub.events()).filter((e) => e.type === "status.changed").map((e) => e.data.status);

describe("MessageStatus Durable Object", () => {
  it("moves sent -> delivered -> read and stamps delivered_at and provider_latency_ms once", async () => {
    const { id, stub, report } = await handedOff();
    expect(await report("delivered")).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: "delivered", deliveredAt: expect.any(Number), providerLatencyMs: expect.any(Number) });
    const delivered = await storedMessage(id);
    expect(await report("read")).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: "read", deliveredAt: delivered.deliveredAt, providerLatencyMs: delivered.providerLatencyMs });
    expect(await statusChanges(stub)).toEqual(["sent", "delivered", "read"]);
  });

  it("takes 'read' arriving before 'delivered' (as Meta may send them) and sets delivered_at from it", async () => {
    const { id, report } = await handedOff();
    expect(await report("read")).toBe("applied");
    expect(await report("delivered")).toBe("ignored");
    await projectedMessage(id).toMatchObject({ status: "read", deliveredAt: expect.any(Number) });
  });

  it("applies the sandbox's scheduled report from its alarm, and a second alarm run changes nothing", async () => {
    const account = await createAccount("test");
    const id = await storeMessage(account);
    await runConsumer([id]);
    const stub = messageStatusStub(env, id);
    // The row may go straight to delivered: the projection queue can carry the newest of the two changes alone.
    expect(await statusChanges(stub)).toEqual(["sent"]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await runDurableObjectAlarm(stub);
    await projectedMessage(id).toMatchObject({ status: "delivered" });
    // The alarm stays set for the row's check (row-check.ts): an early second run applies nothing again.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await statusChanges(stub)).toEqual(["sent", "delivered"]);
  });
});

describe("an object stored before its state and log shared one row", () => {
  it("keeps its state, its events in order and its pending callback, and writes one row a change from then on", async () => {
    const { id, stub, report } = await handedOff();
    // The object as the old layout stored it: the state and the log in tables of their own, a callback still pending.
    const before = await runInDurableObject(stub, (_: MessageStatus, state) => {
      const sql = state.storage.sql;
      const { state: json, events } = sql.exec<{ state: string; events: string }>("SELECT state, events FROM message").one();
      const log = JSON.parse(events) as { at: number; type: string; data: object }[];
      sql.exec("DROP TABLE message");
      sql.exec("CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
      sql.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, webhook TEXT)");
      sql.exec("INSERT INTO state (id, json) VALUES (1, ?)", json);
      for (const event of log) sql.exec("INSERT INTO events (at, type, data) VALUES (?, ?, ?)", event.at, event.type, JSON.stringify(event.data));
      const webhook = { eventId: "evt_old", type: "message.sent", body: "{}" };
      sql.exec("INSERT INTO events (at, type, data, webhook) VALUES (?, 'status.changed', '{}', ?)", Date.now(), JSON.stringify(webhook));
      return log.map((event) => event.type);
    });
    const folded = await runInDurableObject(stub, (_: MessageStatus, state) => {
      const store = new MessageStore(state.storage.sql);
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('state', 'events')").toArray();
      return { tables, status: store.state()?.status, types: store.events().map((event) => event.type), pending: store.pendingWebhook()?.eventId };
    });
    expect(folded).toEqual({ tables: [], status: "sent", types: [...before, "status.changed"], pending: "evt_old" });
    expect(await report("delivered")).toBe("applied");
    expect((await stub.events()).map((event) => event.seq)).toEqual([...before, "status.changed", "status.changed"].map((_, i) => i + 1));
    await projectedMessage(id).toMatchObject({ status: "delivered" });
  });
});
