// End to end through the sandbox: messages created at a steady (open-loop)
// rate, followed through Queue, consumer and Durable Object to `delivered`,
// and the billed operations each message costs over its whole life.
import { percentile } from "./load.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

export interface Api {
  url: string;
  key: string;
}

interface Created {
  id: string;
  /** When the 201 arrived (ms). */
  acceptedAt: number;
}

function headers(api: Api): Record<string, string> {
  return { authorization: `Bearer ${api.key}`, "content-type": "application/json" };
}

async function createMessage(api: Api, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Created> {
  const response = await fetch(`${api.url}/v1/messages`, { method: "POST", headers: { ...headers(api), ...extraHeaders }, body: JSON.stringify(body) });
  const json = (await response.json()) as { id: string };
  if (response.status !== 201) throw new Error(`POST /v1/messages answered ${response.status}: ${JSON.stringify(json)}`);
  return { id: json.id, acceptedAt: Date.now() };
}

interface MessageEvent {
  type: string;
  created_at_ms: number;
  data: { status?: string; duration_ms?: number; outcome?: string };
}

async function events(api: Api, id: string): Promise<MessageEvent[]> {
  const response = await fetch(`${api.url}/v1/messages/${id}/events`, { headers: headers(api) });
  if (!response.ok) throw new Error(`GET /v1/messages/${id}/events answered ${response.status}`);
  return ((await response.json()) as { data: MessageEvent[] }).data;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const SMS = { channel: "SMS", to: "+14155550123", content: { text: "Your code is 849201" } };

export interface StageResult {
  targetPerSecond: number;
  /** Creates answered per second over the stage. */
  createdPerSecond: number;
  messages: number;
  /** Every message reached delivered (its webhook arrived) within the drain time. */
  allDelivered: boolean;
  /** 201 -> delivered (the status change in the message's event log), from a sample spread over the stage. */
  deliveredP50Ms: number;
  deliveredP99Ms: number;
  /** 201 -> the hand-off to the provider began: Queue wait, consumer and Durable Object. */
  handoffP50Ms: number;
  handoffP99Ms: number;
  /** Median 201 -> delivered-webhook time of the stage's last fifth minus its first fifth: > 0 when a backlog builds. */
  backlogGrowthMs: number;
  /** CPU time of the worker's processes per message, from its creation to the delivered webhook. */
  cpuMsPerMessage: number;
  keptUp: boolean;
}

/**
 * A stage keeps up when its creates hold the rate and delivery times do not
 * climb from its start to its end. A backlog grows linearly: running 12% over
 * capacity for 8 s already adds about a second. Less than that can be the
 * Queue's batching (up to max_batch_timeout) and scheduling, not a backlog.
 */
const MIN_RATE_SHARE = 0.95;
const MAX_BACKLOG_GROWTH_MS = 1_000;
const EVENT_SAMPLE = 100;

/** Creates `perSecond` messages a second for `seconds`, then follows each to delivered. */
export async function steadyStage(
  api: Api,
  receiver: WebhookReceiver,
  perSecond: number,
  seconds: number,
  drainMs: number,
  cpuSeconds: () => number,
): Promise<StageResult> {
  const total = perSecond * seconds;
  const cpuBefore = cpuSeconds();
  const pending: Promise<Created>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(createMessage(api, { ...SMS, status_callback: receiver.url }));
  }
  const created = await Promise.all(pending);
  const elapsedS = (performance.now() - start) / 1000;
  const allDelivered = await receiver.waitFor(
    created.map((m) => m.id),
    "message.delivered",
    drainMs,
  );
  // Creation, queue, consumer, Durable Objects, D1 and webhooks, until the last delivery.
  const cpuMsPerMessage = ((cpuSeconds() - cpuBefore) * 1000) / created.length;

  const webhookTimes = created.map((m) => (receiver.arrivedAt(m.id, "message.delivered") ?? Number.POSITIVE_INFINITY) - m.acceptedAt);
  const fifth = Math.max(1, Math.floor(created.length / 5));
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const backlogGrowthMs = median(webhookTimes.slice(-fifth)) - median(webhookTimes.slice(0, fifth));

  const step = Math.max(1, Math.floor(created.length / EVENT_SAMPLE));
  const sample = created.filter((_, i) => i % step === 0);
  const timings = await inParallel(sample, 8, async (message) => {
    const log = await events(api, message.id);
    const delivered = log.find((e) => e.type === "status.changed" && e.data.status === "delivered");
    const handoff = log.find((e) => e.type === "provider.attempt" && e.data.outcome === "accepted");
    return {
      delivered: delivered ? delivered.created_at_ms - message.acceptedAt : Number.POSITIVE_INFINITY,
      handoff: handoff ? handoff.created_at_ms - (handoff.data.duration_ms ?? 0) - message.acceptedAt : Number.POSITIVE_INFINITY,
    };
  });
  const delivered = timings.map((t) => t.delivered).sort((a, b) => a - b);
  const handoff = timings.map((t) => t.handoff).sort((a, b) => a - b);
  const createdPerSecond = created.length / elapsedS;

  return {
    targetPerSecond: perSecond,
    createdPerSecond,
    messages: created.length,
    allDelivered,
    deliveredP50Ms: percentile(delivered, 50),
    deliveredP99Ms: percentile(delivered, 99),
    handoffP50Ms: percentile(handoff, 50),
    handoffP99Ms: percentile(handoff, 99),
    backlogGrowthMs,
    cpuMsPerMessage,
    keptUp: allDelivered && createdPerSecond >= MIN_RATE_SHARE * perSecond && backlogGrowthMs <= MAX_BACKLOG_GROWTH_MS,
  };
}

type Tally = Record<string, number>;
interface Counters {
  d1Reads: Tally;
  d1Writes: Tally;
  durableObjectRequests: Tally;
  durableObjectStorageWrites: Tally;
}

export interface LifeCost {
  messages: number;
  finalEvent: string;
  /** Per message, each counter's total and its breakdown. */
  d1Writes: number;
  d1Reads: number;
  durableObjectRequests: number;
  /** Durable Object requests per message by class ("MessageStatus", "AccountGate"). */
  durableObjectRequestsByClass: Tally;
  durableObjectStorageWrites: number;
  webhooks: number;
  breakdown: Counters;
}

async function counters(url: string): Promise<Counters> {
  return (await (await fetch(`${url}/__bench/counters`)).json()) as Counters;
}

function perMessage(after: Tally, before: Tally, messages: number): Tally {
  const result: Tally = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) result[key] = delta / messages;
  }
  return result;
}

const sum = (tally: Tally) => Object.values(tally).reduce((a, b) => a + b, 0);

/** Totals per first word of the counter's keys: the Durable Object class. */
function byClass(tally: Tally): Tally {
  const result: Tally = {};
  for (const [key, value] of Object.entries(tally)) {
    const objectClass = key.split(" ", 1)[0]!;
    result[objectClass] = (result[objectClass] ?? 0) + value;
  }
  return result;
}

/**
 * Creates `count` messages with a status_callback, waits until each one's
 * final webhook was acknowledged and its Durable Object has gone quiet, and
 * divides what the counting Worker recorded meanwhile by `count`.
 */
export async function lifeCost(
  api: Api,
  receiver: WebhookReceiver,
  body: Record<string, unknown>,
  finalEvent: string,
  count: number,
  { idempotencyKey = false } = {},
): Promise<LifeCost> {
  const before = await counters(api.url);
  const webhooksBefore = receiver.count();
  const created = await inParallel(Array.from({ length: count }), 4, () =>
    createMessage(api, { ...body, status_callback: receiver.url }, idempotencyKey ? { "idempotency-key": crypto.randomUUID() } : {}),
  );
  const ids = created.map((m) => m.id);
  if (!(await receiver.waitFor(ids, finalEvent, 30_000))) throw new Error(`not every message reached ${finalEvent} within 30 s`);
  // The object's last request (the alarm that sent the final webhook) finishes after the receiver answered.
  await sleep(1_000);
  const after = await counters(api.url);
  const breakdown = {
    d1Reads: perMessage(after.d1Reads, before.d1Reads, count),
    d1Writes: perMessage(after.d1Writes, before.d1Writes, count),
    durableObjectRequests: perMessage(after.durableObjectRequests, before.durableObjectRequests, count),
    durableObjectStorageWrites: perMessage(after.durableObjectStorageWrites, before.durableObjectStorageWrites, count),
  };
  return {
    messages: count,
    finalEvent,
    d1Writes: sum(breakdown.d1Writes),
    d1Reads: sum(breakdown.d1Reads),
    durableObjectRequests: sum(breakdown.durableObjectRequests),
    durableObjectRequestsByClass: byClass(breakdown.durableObjectRequests),
    durableObjectStorageWrites: sum(breakdown.durableObjectStorageWrites),
    webhooks: (receiver.count() - webhooksBefore) / count,
    breakdown,
  };
}
