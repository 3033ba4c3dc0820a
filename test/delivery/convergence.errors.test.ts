// Projections lost for good (sent into nothing, as the local Queue loses them
// to kill -9, or dropped by a bug): the maintenance's convergence pass
// compares the rows that may lag with their objects when they are a minute
// old (and at the later check ages), and writes the views that differ. Each
// test starts the pass's cursors at its own first message, and runs the pass
// at a chosen time instead of waiting for it.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sliceQuery } from "../../src/db/convergence.ts";
import { convergeCursors, messages } from "../../src/db/message-schema.ts";
import { shardBinding, shardDatabase } from "../../src/db/shards.ts";
import { CONVERGE, convergeRows } from "../../src/delivery/convergence.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { firstIdAt, idTimestampMs } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, messageDb, rowFromQueue, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { smsBody } from "../support/messages.ts";
import { idCreatedAt, storeMessage } from "../support/queue.ts";
import { convergeFrom, loseProjections } from "./convergence.fixture.ts";
import { place, rowOn, storeOn } from "./projection.fixture.ts";

useFakeProviders();
afterEach(() => vi.restoreAllMocks());

const MINUTE = 60_000;

type Sent = Awaited<ReturnType<typeof handedOff>>;

/** Handed-off SMS messages, their rows `sent` (the projection queue has written them). */
async function sentMessages(howMany: number, overrides: (i: number) => Parameters<typeof handedOff>[1], account?: TestAccount): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (let i = 0; i < howMany; i++) sent.push(await handedOff("sms", overrides(i), account));
  for (const { id } of sent) await rowFromQueue(id).toMatchObject({ status: "sent" });
  return sent;
}

/** Its `delivered` report is applied, and the projection of it lost: its row stays `sent`. */
async function deliveredUnseen(message: Sent) {
  loseProjections();
  await message.report("delivered");
  vi.mocked(env.PROJECTIONS_QUEUE.send).mockRestore();
  expect(await storedMessage(message.id)).toMatchObject({ status: "sent", deliveredAt: null });
  return { ...message, createdMs: idTimestampMs(message.id) };
}

/** One handed-off SMS whose delivery its row never saw. */
async function oneDeliveredUnseen(overrides: Parameters<typeof handedOff>[1] = {}, account?: TestAccount) {
  const [message] = await sentMessages(1, () => overrides, account);
  return deliveredUnseen(message!);
}

describe("the convergence pass, after a projection was lost", () => {
  it("shows a delivered message delivered, with its delivery time, latency and attempts, at its check a minute in", async () => {
    await convergeFrom(Date.now() - 1);
    const { id, createdMs } = await oneDeliveredUnseen();
    vi.spyOn(console, "log").mockImplementation(() => {});

    // Too young for its first check: nothing yet.
    expect(await convergeRows(env, db(), createdMs + 30_000)).toBe(0);
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });

    expect(await convergeRows(env, db(), createdMs + MINUTE + 1000)).toBe(1);
    const row = await storedMessage(id);
    expect(row).toMatchObject({ status: "delivered", deliveredChannel: "sms", attempts: [expect.objectContaining({ status: "delivered" })] });
    expect(row.deliveredAt).toBeGreaterThanOrEqual(Math.floor(createdMs / 1000));
    expect(row.providerLatencyMs).toEqual(expect.any(Number));
    // Compared once per check age: the next run writes nothing more.
    expect(await convergeRows(env, db(), createdMs + MINUTE + 2000)).toBe(0);
  });

  it("shows a canceled scheduled message canceled, long before its send time", async () => {
    await convergeFrom(Date.now() - 1);
    const account = await createAccount();
    const { id } = await (await api("/v1/messages", { key: account.key, json: smsBody({ send_at: Math.floor(Date.now() / 1000) + 3600 }) })).json<{
      id: string;
    }>();
    loseProjections();
    const canceled = await api(`/v1/messages/${id}/cancel`, { key: account.key, method: "POST" });
    expect(canceled.status).toBe(200);
    vi.restoreAllMocks();
    expect(await storedMessage(id)).toMatchObject({ status: "scheduled" });
    vi.spyOn(console, "log").mockImplementation(() => {});

    await convergeRows(env, db(), idTimestampMs(id) + MINUTE + 1000);

    const res = await api(`/v1/messages/${id}`, { key: account.key });
    expect(await res.json()).toMatchObject({ status: "canceled" });
  });

  it("removes the content of a discard message whose final projection (which carries the redaction) was lost", async () => {
    await convergeFrom(Date.now() - 1);
    const { id, createdMs } = await oneDeliveredUnseen({ contentRetention: "discard" });
    expect(await storedMessage(id)).toMatchObject({ content: { text: expect.any(String) }, redactedAt: null });
    vi.spyOn(console, "log").mockImplementation(() => {});

    await convergeRows(env, db(), createdMs + MINUTE + 1000);

    expect(await storedMessage(id)).toMatchObject({ status: "delivered", content: {}, rendered: null, redactedAt: expect.any(Number) });
  });

  it("removes the content of a final discard row whose redaction alone was lost", async () => {
    await convergeFrom(Date.now() - 1);
    const { id, createdMs } = await oneDeliveredUnseen({ contentRetention: "discard" });
    // Delivered in D1 as the object is, but with its content: the redaction never reached the row.
    await convergeRows(env, db(), createdMs + MINUTE + 1000);
    const content = { text: "Your code is 849201" };
    await messageDb(id).update(messages).set({ content, redactedAt: null }).where(eq(messages.id, id));
    vi.spyOn(console, "log").mockImplementation(() => {});

    // Its next check age.
    expect(await convergeRows(env, db(), createdMs + 10 * MINUTE + 1000)).toBe(1);

    expect(await storedMessage(id)).toMatchObject({ status: "delivered", content: {}, redactedAt: expect.any(Number) });
  });
});

describe("the convergence pass, where it writes", () => {
  it("writes both copies of a row while its account is moving, as the projection consumer does", async () => {
    const account = await createAccount("live", { placement: homedOn(0) });
    await convergeFrom(Date.now() - 1);
    const { id, createdMs } = await oneDeliveredUnseen({}, account);
    // The move has copied the row (still `sent`); until it ends, changes go to both copies.
    await storeOn(1, account, { ...(await storedMessage(id)), projectionSeq: 0 });
    await place(account, { home: 1, write: [1], read: [0, 1], moving: { from: 0, to: 1 } });
    // The target's own pass is long past that id: its copy is compared on the source's turn only.
    await shardDatabase(env, 1)
      .update(convergeCursors)
      .set({ throughId: firstIdAt("msg", Date.now() + 3_600_000) });
    vi.spyOn(console, "log").mockImplementation(() => {});

    await convergeRows(env, db(), createdMs + MINUTE + 1000);

    expect(await rowOn(0, id)).toMatchObject({ status: "delivered" });
    expect(await rowOn(1, id)).toMatchObject({ status: "delivered" });
  });

  it("keeps its cursors when a shard's write fails, and writes the row the next run", async () => {
    const account = await createAccount("live", { placement: homedOn(0) });
    await convergeFrom(Date.now() - 1);
    const { id, createdMs } = await oneDeliveredUnseen({}, account);
    vi.spyOn(console, "error").mockImplementation(() => {});
    // The run's read goes through; its write fails.
    const binding = shardBinding(env, 0);
    const batch = binding.batch.bind(binding);
    vi.spyOn(binding, "batch").mockImplementationOnce(batch).mockRejectedValueOnce(new Error("D1_ERROR: internal error"));

    await expect(convergeRows(env, db(), createdMs + MINUTE + 1000)).rejects.toThrow("could not write 1 rows");
    expect(await storedMessage(id)).toMatchObject({ status: "sent" });

    vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await convergeRows(env, db(), createdMs + MINUTE + 2000)).toBe(1);
    expect(await storedMessage(id)).toMatchObject({ status: "delivered" });
  });
});

describe("the convergence pass, on rows it cannot repair", () => {
  it("passes over a row whose object holds no state and one whose object is unreachable, repairs the row after them, and does not look at them again", async () => {
    const account = await createAccount("live", { placement: homedOn(0) });
    await convergeFrom(Date.now() - 1);
    // Sent in D1, its object emptied (as retention empties it) or never loaded: nothing to compare with.
    const noState = await storeMessage(account, { status: "sent" });
    await messageStatusStub(env, noState).forget();
    const [first, second] = await sentMessages(2, () => ({}), account);
    const unreachable = await deliveredUnseen(first!);
    const lagging = await deliveredUnseen(second!);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const get = env.MESSAGE_STATUS.get.bind(env.MESSAGE_STATUS);
    const refused = env.MESSAGE_STATUS.idFromName(unreachable.id).toString();
    vi.spyOn(env.MESSAGE_STATUS, "get").mockImplementation((id) =>
      id.toString() === refused ? ({ view: () => Promise.reject(new Error("object unavailable")) } as never) : get(id),
    );

    expect(await convergeRows(env, db(), lagging.createdMs + MINUTE + 1000)).toBe(1);

    expect(await storedMessage(lagging.id)).toMatchObject({ status: "delivered" });
    expect(await storedMessage(noState)).toMatchObject({ status: "sent" });
    expect(warn.mock.calls.map(([line]) => JSON.parse(String(line)).event)).toEqual(["converge_objects_unreachable"]);
    // The cursor moved past both: the next run at the same age asks no object.
    const asked = vi.spyOn(env.MESSAGE_STATUS, "get");
    asked.mockClear();
    expect(await convergeRows(env, db(), lagging.createdMs + MINUTE + 2000)).toBe(0);
    expect(asked).not.toHaveBeenCalled();
    // The unreachable one is compared again at its next check age.
    vi.mocked(env.MESSAGE_STATUS.get).mockImplementation(get);
    expect(await convergeRows(env, db(), unreachable.createdMs + 10 * MINUTE + 1000)).toBe(1);
    expect(await storedMessage(unreachable.id)).toMatchObject({ status: "delivered" });
  });

  it("asks at most rowsPerRun objects a run, and serves every check age in turn, so young rows cannot hold back an older one", async () => {
    const account = await createAccount("live", { placement: homedOn(0) });
    const t0 = Date.now() - 20 * MINUTE;
    // Its delivery came after its one-minute check (that age's cursor is past it); the ten-minute check is still to come.
    const minutes = [0, 10, 10, 10];
    const sent = await sentMessages(4, (i) => ({ id: idCreatedAt(account, t0 + minutes[i]! * MINUTE + i) }), account);
    const unseen = [];
    for (const message of sent) unseen.push(await deliveredUnseen(message));
    const [late, ...young] = unseen;
    await convergeFrom(t0 + 5 * MINUTE, [60]);
    await convergeFrom(t0 - 1, [600]);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const options = { ...CONVERGE, checkAges: [60, 600], rowsPerRun: 1 };

    // A minute whose turn starts with the one-minute age: its oldest row takes the run's whole budget.
    const at = Math.ceil((t0 + 11 * MINUTE) / (2 * MINUTE)) * 2 * MINUTE + 1000;
    expect(await convergeRows(env, db(), at, options)).toBe(1);
    const statuses = async () => (await Promise.all([late!, ...young].map(({ id }) => storedMessage(id)))).map((row) => row.status);
    expect(await statuses()).toEqual(["sent", "delivered", "sent", "sent"]);
    // The next minute the ten-minute age goes first.
    expect(await convergeRows(env, db(), at + MINUTE, options)).toBe(1);
    expect(await statuses()).toEqual(["delivered", "delivered", "sent", "sent"]);
  });
});

it("reads each check age's slice by a range of the primary key, so a run reads the rows of its slice only", async () => {
  const query = sliceQuery(shardDatabase(env, 0), { after: firstIdAt("msg", 0), before: firstIdAt("msg", 60_000), limit: CONVERGE.rowsPerRun }).toSQL();
  const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.params)
    .all<{ detail: string }>();
  expect(results.map((row) => row.detail).join("; ")).toMatch(/SEARCH messages USING PRIMARY KEY \(id>\? AND id<\?\)/);
});
