// A projection lost late in a message's life (sent into nothing, as the local
// Queue loses them to kill -9, or dropped by a bug): the message's own object
// checks its row ROW_CHECK_AFTER_MS after the change, and a row behind is
// repaired then, hours into the message's life as in its first minute. The
// clock (Date only) is moved and the object's alarm run as it would ring.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { shardBinding } from "../../src/db/shards.ts";
import type { DeliveryState } from "../../src/delivery/delivery-state.ts";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";
import { ROW_CHECK_AFTER_MS } from "../../src/delivery/status-projection.ts";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { aroundExecution, countD1Statements, failMessageQueries, messageDb, rowFromQueue, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { hold } from "../support/hold.ts";
import { loseProjections } from "./convergence.fixture.ts";
import { place, rowOn, storeOn } from "./projection.fixture.ts";

useFakeProviders();
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const HOUR = 3_600_000;

/** A handed-off SMS, `delivered` in its row (written by the real projection queue). */
async function deliveredMessage(overrides: Parameters<typeof handedOff>[1] = {}) {
  const message = await handedOff("sms", overrides);
  await rowFromQueue(message.id).toMatchObject({ status: "sent" });
  expect(await message.report("delivered")).toBe("applied");
  await rowFromQueue(message.id).toMatchObject({ status: "delivered" });
  return message;
}

/** From now on the clock (Date only) is ours: `later(ms)` moves it forward. */
function takeClock() {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  return (ms: number) => vi.setSystemTime(Date.now() + ms);
}

/** Runs `change` with every projection it sends lost. */
async function lost<T>(change: () => Promise<T>): Promise<T> {
  loseProjections();
  const result = await change();
  vi.mocked(env.PROJECTIONS_QUEUE.send).mockRestore();
  return result;
}

const rowCheckOf = (id: string) =>
  runInDurableObject(messageStatusStub(env, id), (_: MessageStatus, state) => {
    const row = state.storage.sql.exec<{ state: string }>("SELECT state FROM message WHERE id = 1").one();
    return (JSON.parse(row.state) as DeliveryState).rowCheck ?? null;
  });

describe("the row's check by its own object, after a projection was lost", () => {
  it("shows a delivered message delivered when its report came hours after the hand-off", async () => {
    const { id, stub, report } = await handedOff("sms");
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    const later = takeClock();
    later(6 * HOUR);
    expect(await lost(() => report("delivered"))).toBe("applied");
    expect(await storedMessage(id)).toMatchObject({ status: "sent", deliveredAt: null });
    vi.spyOn(console, "warn").mockImplementation(() => {});

    later(ROW_CHECK_AFTER_MS + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const row = await storedMessage(id);
    expect(row).toMatchObject({ status: "delivered", deliveredChannel: "sms", attempts: [expect.objectContaining({ status: "delivered" })] });
    expect(row.deliveredAt).toBeGreaterThanOrEqual(Math.floor((Date.now() - ROW_CHECK_AFTER_MS - 2000) / 1000));
    // The check is done: a second ring finds nothing to do, and the row stays as it is.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
    expect(await storedMessage(id)).toEqual(row);
  });

  it("shows a read that came after delivered", async () => {
    const { id, stub, report } = await deliveredMessage();
    const later = takeClock();
    later(HOUR);
    expect(await lost(() => report("read"))).toBe("applied");
    expect(await storedMessage(id)).toMatchObject({ status: "delivered" });
    vi.spyOn(console, "warn").mockImplementation(() => {});

    later(ROW_CHECK_AFTER_MS + 1000);
    await runDurableObjectAlarm(stub);

    expect(await storedMessage(id)).toMatchObject({ status: "read" });
  });

  it("removes a retained message's content from D1 after an on-demand redaction whose projection was lost", async () => {
    const { id, stub, account } = await deliveredMessage();
    expect(await storedMessage(id)).toMatchObject({ content: { text: expect.any(String) }, redactedAt: null });
    const later = takeClock();
    later(2 * HOUR);
    const redacted = await lost(() => api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" }));
    expect(redacted.status).toBe(200);
    expect(await storedMessage(id)).toMatchObject({ redactedAt: null, content: { text: expect.any(String) } });
    vi.spyOn(console, "warn").mockImplementation(() => {});

    later(ROW_CHECK_AFTER_MS + 1000);
    await runDurableObjectAlarm(stub);

    expect(await storedMessage(id)).toMatchObject({ status: "delivered", content: {}, rendered: null, redactedAt: expect.any(Number) });
    const res = await api(`/v1/messages/${id}`, { key: account.key });
    expect(await res.json()).toMatchObject({ status: "delivered", content: null });
  });

  it("only reads a row that is level, writes nothing to its storage, and rings no more", async () => {
    const { id, stub, account } = await deliveredMessage();
    const before = await storedMessage(id);
    const check = await rowCheckOf(id);
    expect(check).not.toBeNull();
    const later = takeClock();
    later(ROW_CHECK_AFTER_MS + 1000);
    const d1 = countD1Statements([account.id, id]);

    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(d1).toMatchObject({ reads: 1, writes: 0 });
    // Settled in the object's memory: the check a storage write would have cleared is still stored as it was.
    expect(await rowCheckOf(id)).toEqual(check);
    expect(await storedMessage(id)).toEqual(before);
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("tries again when D1 is down at the check, and repairs the row once it is back", async () => {
    const { id, stub, report } = await handedOff("sms");
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    const later = takeClock();
    later(HOUR);
    await lost(() => report("delivered"));
    later(ROW_CHECK_AFTER_MS + 1000);
    const { log } = failMessageQueries();

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(log).toHaveBeenCalledWith(expect.stringContaining("row_check_failed"));
    vi.restoreAllMocks();
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });
    const retry = await rowCheckOf(id);
    // backoffSeconds(1): at most 2 s later.
    expect(retry).toMatchObject({ tries: 1, at: expect.any(Number) });
    expect(retry!.at).toBeGreaterThan(Date.now());
    expect(retry!.at).toBeLessThanOrEqual(Date.now() + 2000);
    vi.spyOn(console, "warn").mockImplementation(() => {});

    later(2000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(await storedMessage(id)).toMatchObject({ status: "delivered" });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("finds and repairs the row where its account was moved, off the shard its id names", async () => {
    const account = await createAccount("live", { placement: homedOn(0) });
    const { id, stub, report } = await handedOff("sms", {}, account);
    await rowFromQueue(id).toMatchObject({ status: "sent" });
    // The move of shard 0's messages to shard 1 has ended: the row is on shard 1 alone.
    await storeOn(1, account, await storedMessage(id));
    await messageDb(id).delete(messages).where(eq(messages.id, id));
    await place(account, { home: 1, write: [1], read: [1], moved: { "0": 1 } });
    const later = takeClock();
    later(HOUR);
    await lost(() => report("delivered"));
    vi.spyOn(console, "warn").mockImplementation(() => {});

    later(ROW_CHECK_AFTER_MS + 1000);
    await runDurableObjectAlarm(stub);

    expect(await rowOn(1, id)).toMatchObject({ status: "delivered" });
    expect(await rowOn(0, id)).toBeUndefined();
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it("keeps the check of a change that came while it read the row, and repairs that change at its own check", async () => {
    const { id, stub, report } = await deliveredMessage();
    const later = takeClock();
    later(ROW_CHECK_AFTER_MS + 1000);
    // The check's read of the row is held open until released.
    const read = hold();
    const binding = shardBinding(env, shardOfMessageId(id));
    const prepare = binding.prepare.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((query: string) => {
      const statement = prepare(query);
      if (!query.startsWith('select "projection_seq"')) return statement;
      return aroundExecution(statement, ["run", "all", "raw", "first"], async (execute) => {
        await read.wait();
        return execute();
      });
    });
    const ring = runDurableObjectAlarm(stub);
    await read.reached();

    // A read comes meanwhile, and its projection is lost.
    expect(await lost(() => report("read"))).toBe("applied");
    read.release();
    await ring;

    const kept = await rowCheckOf(id);
    expect(kept!.at).toBeGreaterThan(Date.now());
    expect(await storedMessage(id)).toMatchObject({ status: "delivered" });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    later(ROW_CHECK_AFTER_MS + 1000);
    await runDurableObjectAlarm(stub);
    expect(await storedMessage(id)).toMatchObject({ status: "read" });
  });
});
