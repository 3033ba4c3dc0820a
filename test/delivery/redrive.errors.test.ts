// A create whose Queue.send fails: the message's Durable Object hands it off
// itself a moment later (its re-drive), instead of the message waiting for
// the reconciler's next run.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stuckQueuedMessageIds } from "../../src/db/messages.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb, projectedMessage, storedMessage } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { waitForStatus } from "../support/wait.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The README's promise: a failed send is re-driven after 2 s. */
const REDRIVE_AFTER_MS = 2_000;

/** Creates a message while Queue.send fails; returns its id and the console.error spy. */
async function createWithFailedSend(account: TestAccount, body = smsBody()) {
  const send = vi.spyOn(env.MESSAGES_QUEUE, "send").mockRejectedValueOnce(new Error("queue unavailable"));
  const errors = vi.spyOn(console, "error").mockImplementation(() => {});
  const res = await api("/v1/messages", { key: account.key, json: body });
  expect(res.status).toBe(201);
  expect(send).toHaveBeenCalledTimes(1);
  send.mockRestore();
  return { id: (await res.json<{ id: string }>()).id, errors };
}

interface Attempt {
  type: string;
  created_at_ms: number;
  data: { outcome?: string };
}

async function providerAttempts(account: TestAccount, id: string): Promise<Attempt[]> {
  const events = await (await api(`/v1/messages/${id}/events`, { key: account.key })).json<{ data: Attempt[] }>();
  return events.data.filter((event) => event.type === "provider.attempt");
}

/** Moves the clock (Date only) forward and runs the message object's alarm as it would fire then. */
async function alarmAfter(id: string, ms: number): Promise<boolean> {
  vi.setSystemTime(Date.now() + ms);
  return runDurableObjectAlarm(messageStatusStub(env, id));
}

describe("re-drive of a create whose Queue.send failed", () => {
  it("hands the message to its provider from the message's object within seconds, once, and it is delivered", async () => {
    const account = await createAccount();
    const before = Date.now();
    const { id } = await createWithFailedSend(account);

    await waitForStatus(account, id, ["delivered"], 10_000);
    const attempts = await providerAttempts(account, id);
    expect(attempts.map((attempt) => attempt.data.outcome)).toEqual(["accepted"]);
    expect(attempts[0]!.created_at_ms - before).toBeLessThan(REDRIVE_AFTER_MS + 2_000);

    // The job the failed send may have queued after all turns up late: nothing more is sent.
    const late = await runConsumer([id]);
    expect(late.explicitAcks).toEqual([expect.any(String)]);
    expect(await providerAttempts(account, id)).toHaveLength(1);
  });

  it("sends nothing more when the job got through after all and was handed off before the re-drive was due", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const account = await createAccount();
    const { id } = await createWithFailedSend(account);
    await runConsumer([id]); // the job the send reported as failed
    await waitForStatus(account, id, ["sent", "delivered"]);

    expect(await alarmAfter(id, REDRIVE_AFTER_MS + 1)).toBe(true);
    expect((await providerAttempts(account, id)).map((attempt) => attempt.data.outcome)).toEqual(["accepted"]);
  });

  it("retries a provider that answers 503 on the hand-off backoff schedule, from the object's alarm, until it accepts", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const account = await createAccount();
    // The sandbox's flaky number answers 503 twice, then accepts.
    const { id } = await createWithFailedSend(account, smsBody({ to: "+15005550003" }));

    expect(await alarmAfter(id, REDRIVE_AFTER_MS + 1)).toBe(true);
    expect((await providerAttempts(account, id)).map((attempt) => attempt.data.outcome)).toEqual(["retryable_error"]);
    // The README's backoff: 2 s, then 4 s (each at most that, with jitter).
    expect(await alarmAfter(id, 2_000)).toBe(true);
    expect(await alarmAfter(id, 4_000)).toBe(true);
    expect((await providerAttempts(account, id)).map((attempt) => attempt.data.outcome)).toEqual(["retryable_error", "retryable_error", "accepted"]);
    await projectedMessage(id).toMatchObject({ status: "sent" });
  });

  it("leaves the message queued for the reconciler when the re-drive cannot be armed either, and still answers 201", async () => {
    const account = await createAccount();
    vi.spyOn(env.MESSAGE_STATUS, "get").mockReturnValueOnce({ redrive: () => Promise.reject(new Error("object unavailable")) } as never);
    const { id, errors } = await createWithFailedSend(account);

    const logged = errors.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; message_id?: string });
    expect(logged).toContainEqual(expect.objectContaining({ event: "enqueue_failed", message_id: id }));
    expect(logged).toContainEqual(expect.objectContaining({ event: "redrive_failed", message_id: id }));
    const message = await storedMessage(id);
    expect(message.status).toBe("queued");
    // Its next run 15 s on (the README's grace) picks it up.
    expect(await stuckQueuedMessageIds(messageDb(id), message.updatedAt + 15, 10_000)).toContain(id);
  });
});
