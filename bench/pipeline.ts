// End to end through the sandbox: messages created at a steady (open-loop)
// rate, followed through Queue, consumer and Durable Object to `delivered`.
import { percentile } from "./load.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

export interface Api {
  url: string;
  key: string;
}

export interface Created {
  id: string;
  /** When the 201 arrived (ms). */
  acceptedAt: number;
}

function headers(api: Api): Record<string, string> {
  return { authorization: `Bearer ${api.key}`, "content-type": "application/json" };
}

export async function createMessage(api: Api, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}): Promise<Created> {
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
export async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates `total` messages, `perSecond` a second whatever the answers' latency (open loop). */
export async function createAtRate(
  api: Api,
  body: Record<string, unknown>,
  perSecond: number,
  total: number,
  extraHeaders: () => Record<string, string> = () => ({}),
): Promise<Created[]> {
  const pending: Promise<Created>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(createMessage(api, body, extraHeaders()));
  }
  return Promise.all(pending);
}

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
/** Steady-rate stages, messages/s, each for STAGE_SECONDS; the run stops at the first that falls behind. */
const STAGE_RATES = [10, 15, 20, 30, 45, 70, 100, 150, 220, 330];
/** Tried in turn only when the first stage falls behind (a loaded machine), down to the first that keeps up, so the sustained rate is still a number. */
const LOW_STAGE_RATES = [7, 5, 3];
export const STAGE_SECONDS = 8;
const STAGE_DRAIN_MS = 15_000;
const MAX_BACKLOG_GROWTH_MS = 1_000;
const EVENT_SAMPLE = 100;

/** Creates `perSecond` messages a second for `seconds`, then follows each to delivered. */
async function steadyStage(
  api: Api,
  receiver: WebhookReceiver,
  perSecond: number,
  seconds: number,
  drainMs: number,
  cpuSeconds: () => number,
): Promise<StageResult> {
  const cpuBefore = cpuSeconds();
  const start = performance.now();
  const created = await createAtRate(api, { ...SMS, status_callback: receiver.url }, perSecond, perSecond * seconds);
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

/** Figure 5's stages: each steady rate in turn, up to the first that falls behind. */
export async function pipelineStages(api: Api, receiver: WebhookReceiver, cpuSeconds: () => number, log: (line: string) => void): Promise<StageResult[]> {
  const stages: StageResult[] = [];
  const run = async (rate: number) => {
    log(`end to end: ${rate} messages/s for ${STAGE_SECONDS} s`);
    const stage = await steadyStage(api, receiver, rate, STAGE_SECONDS, STAGE_DRAIN_MS, cpuSeconds);
    stages.push(stage);
    return stage.keptUp;
  };
  for (const rate of STAGE_RATES) if (!(await run(rate))) break;
  if (stages.length === 1 && !stages[0]!.keptUp) for (const rate of LOW_STAGE_RATES) if (await run(rate)) break;
  return stages;
}
