// The batch rows (`npm run bench -- --batch` runs only these): POST
// /v1/messages/batch of 100 and of 1,000 SMS beside baseline B in one run
// (messages accepted per second against B's requests per second, CPU per
// message), what a batch costs per message on the counting build (D1 calls,
// Queue operations, gate calls), the time a 1,000-message batch takes to be
// all final, and the metadata filter's list at 200,000 messages beside the
// unfiltered list of the same account.
import os from "node:os";
import { encodeCursor } from "../src/domain/cursor.ts";
import { benchAccount, ONE_SHARD } from "./accounts.ts";
import { costOf, type OperationCost } from "./life-cost.ts";
import { LOAD, type LoadResult, sideBySide } from "./load.ts";
import type { LocalWorker } from "./local-worker.ts";
import { type Api, pipelineStages, SMS, type StageResult, sleep } from "./pipeline.ts";
import { sustainedRate } from "./report.ts";
import { seedMessages } from "./seed.ts";
import { type Seeding, seededId } from "./seed-sql.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

const SIZES = [100, 1_000] as const;
const SEEDED = 200_000;
const FINAL = ["delivered", "read", "undelivered", "failed", "canceled", "expired"];

/** A batch body of `size` sandbox SMS, each to its own number. */
function batchBody(size: number): string {
  const messages = Array.from({ length: size }, (_, i) => ({ ...SMS, to: `+1415555${String(1000 + (i % 9000)).padStart(4, "0")}` }));
  return JSON.stringify({ messages });
}

interface BatchAccept {
  baseline: LoadResult;
  /** Per batch size: requests as measured (rps, cpuMsPerRequest per batch request) and the same per message. */
  batches: Record<string, { request: LoadResult; messagesPerSecond: number; cpuMsPerMessage: number; vsBaseline: number; cpuVsBaseline: number }>;
}

/** Batches of 100 and 1,000 beside baseline B, closed loop, on an instance without consumers. */
async function batchAccept(api: LocalWorker, baseline: LocalWorker, log: (line: string) => void): Promise<BatchAccept> {
  const sender = await benchAccount(api, "bench-batch", ONE_SHARD);
  const json = { "content-type": "application/json" };
  const specs = Object.fromEntries(
    SIZES.map((size) => [
      `batch${size}`,
      {
        url: `${api.url}/v1/messages/batch`,
        method: "POST" as const,
        headers: { ...json, ...sender.headers },
        body: batchBody(size),
        expectStatus: 201,
        cpuSeconds: api.cpuSeconds,
        // A 1,000-message request is long: fewer at once, as a sender of batches would.
        connections: size >= 1_000 ? 2 : 4,
      },
    ]),
  );
  const results = await sideBySide(
    {
      baseline: { url: baseline.url, method: "POST", headers: json, body: JSON.stringify(SMS), expectStatus: 201, cpuSeconds: baseline.cpuSeconds },
      ...specs,
    },
    (round) => log(`batches of 100 and 1,000 beside baseline B, round ${round} of ${LOAD.rounds}`),
  );
  const { baseline: base, ...rest } = results as Record<string, LoadResult> & { baseline: LoadResult };
  const batches = Object.fromEntries(
    SIZES.map((size) => {
      const request = rest[`batch${size}`]!;
      const messagesPerSecond = request.rps * size;
      const cpuMsPerMessage = request.cpuMsPerRequest / size;
      return [
        String(size),
        { request, messagesPerSecond, cpuMsPerMessage, vsBaseline: messagesPerSecond / base.rps, cpuVsBaseline: cpuMsPerMessage / base.cpuMsPerRequest },
      ];
    }),
  );
  return { baseline: base, batches };
}

async function postBatch(api: Api, size: number): Promise<{ id: string; data: ({ id: string } | null)[] }> {
  const res = await fetch(`${api.url}/v1/messages/batch`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${api.key}` },
    body: batchBody(size),
  });
  if (res.status !== 201) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; data: ({ id: string } | null)[] };
}

/** One batch of 1,000 on the counting build (no consumers): its operations per message. */
function batchCost(api: Api): Promise<OperationCost> {
  return costOf(api, async () => (await postBatch(api, 1_000)).data.flatMap((m) => (m ? [m.id] : [])));
}

/** Where a drain stood at one moment, from GET /v1/batches/:id (the status projections' view). */
interface DrainPoint {
  seconds: number;
  queued: number;
  sent: number;
  final: number;
}

export interface DrainResult {
  messages: number;
  seconds: number;
  /** Seconds until no message of the batch was left `queued` (every job handed off, as projected). */
  handedOffSeconds: number;
  /** CPU time of the Worker's processes per message over the drain: beside the stages' CPU per message, what a burst costs more. */
  cpuMsPerMessage: number;
  /** The counts once a second: where the time went. */
  timeline: DrainPoint[];
  /** The pipeline's sustained rate in the same run (figure 5's stages, on the same instance, just before). */
  sustained: { rate: number; stages: StageResult[] };
  /** 1,000 / the sustained rate + 10 s. */
  targetSeconds: number;
  /** The machine's 1-minute load average when the stages started and when the drain ended: both figures are only as quiet as it was. */
  load: { stages: number; drained: number };
}

const DRAIN_SLACK_SECONDS = 10;
const POLL_MS = 1_000;
const QUIET_CPU_SECONDS = 0.05;

/** Waits until the Worker has used less than QUIET_CPU_SECONDS of CPU in a second: the stages' last alarms and projections are done. */
async function quiet(worker: LocalWorker, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let before = worker.cpuSeconds();
  while (Date.now() < deadline) {
    await sleep(1_000);
    const now = worker.cpuSeconds();
    if (now - before < QUIET_CPU_SECONDS) return;
    before = now;
  }
  throw new Error(`the pipeline was still busy ${timeoutMs / 1000} s after its stages`);
}

/** Seconds from sending a 1,000-message batch to every message of it final (GET /v1/batches/:id), on the pipeline with its consumers. */
async function batchDrain(api: Api, cpuSeconds: () => number, timeoutMs = 180_000): Promise<Omit<DrainResult, "sustained" | "targetSeconds" | "load">> {
  const started = Date.now();
  const cpuBefore = cpuSeconds();
  const batch = await postBatch(api, 1_000);
  const timeline: DrainPoint[] = [];
  let handedOffSeconds = Number.NaN;
  while (Date.now() - started < timeoutMs) {
    const res = await fetch(`${api.url}/v1/batches/${batch.id}`, { headers: { authorization: `Bearer ${api.key}` } });
    const { counts } = (await res.json()) as { counts: Record<string, number> };
    const seconds = (Date.now() - started) / 1000;
    const point = { seconds, queued: counts.queued ?? 0, sent: counts.sent ?? 0, final: FINAL.reduce((sum, status) => sum + (counts[status] ?? 0), 0) };
    timeline.push(point);
    if (point.queued === 0 && Number.isNaN(handedOffSeconds)) handedOffSeconds = seconds;
    if (point.final >= 1_000) return { messages: 1_000, seconds, handedOffSeconds, cpuMsPerMessage: ((cpuSeconds() - cpuBefore) * 1000) / 1_000, timeline };
    // Once a second: each read is a request through the gate and a count over the batch's rows, which at 4 a second
    // took a share of the CPU the drain itself needs on a loaded machine.
    await sleep(POLL_MS);
  }
  throw new Error(`the batch was not all final within ${timeoutMs / 1000} s: ${JSON.stringify(timeline.at(-1))}`);
}

/** On one pipeline instance: figure 5's stages for the sustained rate, then (once quiet) the drain of a 1,000-message batch. */
export async function drainRow(start: StartWorker, receiver: WebhookReceiver, log: (line: string) => void): Promise<DrainResult> {
  const pipeline = await start("pipeline");
  try {
    const loadAtStages = os.loadavg()[0]!;
    const stages = await pipelineStages({ url: pipeline.url, key: (await benchAccount(pipeline, "bench-e2e")).key }, receiver, pipeline.cpuSeconds, log);
    const rate = sustainedRate(stages);
    await quiet(pipeline);
    log(`a batch of 1,000 drained to final through the pipeline (sustained ${rate} messages/s)`);
    const drain = await batchDrain({ url: pipeline.url, key: (await benchAccount(pipeline, "bench-batch-drain")).key }, pipeline.cpuSeconds);
    const load = { stages: loadAtStages, drained: os.loadavg()[0]! };
    return { ...drain, sustained: { rate, stages }, targetSeconds: 1_000 / rate + DRAIN_SLACK_SECONDS, load };
  } finally {
    await pipeline.stop();
  }
}

/** CPU per message of the highest stage that kept up, as figure 5 prints it. */
function cpuOfSustained(drain: DrainResult): string {
  const stage = drain.sustained.stages.filter((s) => s.keptUp).at(-1);
  return stage ? `${stage.cpuMsPerMessage.toFixed(1)} ms` : "none";
}

/** The drain row and its target check. */
export function drainSummary(drain: DrainResult): string {
  const met =
    drain.sustained.rate === 0 ? "no stage kept up, so no target (the machine is too loaded)" : drain.seconds <= drain.targetSeconds ? "met" : "**not met**";
  const timeline = drain.timeline.map((p) => `${p.seconds.toFixed(0)} s: ${p.queued}/${p.sent}/${p.final}`).join(", ");
  return [
    `| sustained rate, same run | ${drain.sustained.rate} messages/s (figure 5's stages, ${drain.sustained.stages.length} run; load average ${drain.load.stages.toFixed(1)} then, ${drain.load.drained.toFixed(1)} when the drain ended) |`,
    `| 1,000-message batch drained to final | ${drain.seconds.toFixed(1)} s (${(drain.messages / drain.seconds).toFixed(0)} messages/s; none left queued after ${drain.handedOffSeconds.toFixed(1)} s; ${drain.cpuMsPerMessage.toFixed(1)} ms CPU per message, against ${cpuOfSustained(drain)} at the sustained stage); target 1,000 / ${drain.sustained.rate} + ${DRAIN_SLACK_SECONDS} = ${drain.targetSeconds.toFixed(1)} s: ${met} |`,
    `| the drain's counts (queued/sent/final) | ${timeline} |`,
  ].join("\n");
}

/** The metadata filter at 200,000 messages: an exact key, a broad one, and the unfiltered list, on the same account. */
async function metadataFilterReads(api: LocalWorker, log: (line: string) => void): Promise<Record<"unfiltered" | "exactKey" | "broadKey", LoadResult>> {
  const account = await benchAccount(api, "bench-200k-metadata", ONE_SHARD);
  const seeding: Seeding = { accountId: account.account_id, count: SEEDED, startMs: Date.now() - 3 * 86_400_000, shards: ONE_SHARD.write, withMetadata: true };
  log(`seeding ${SEEDED.toLocaleString("en")} messages with metadata`);
  seedMessages(api.d1, seeding);
  const pick = () => Math.floor(Math.random() * SEEDED);
  const cursor = (n: number) => encodeCursor({ id: seededId(seeding, n), dir: "next" });
  const page = (query: string) =>
    Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? `/v1/messages?limit=100${query}` : `/v1/messages?limit=100${query}&cursor=${cursor(pick())}`));
  const tier = (n: number) => (n % 2 === 0 ? "pro" : "free");
  const spec = (paths: string[]) => ({ url: api.url, headers: account.headers, paths, expectStatus: 200, cpuSeconds: api.cpuSeconds });
  // The broad key's cursor must belong to its own list: a cursor remembers its filters.
  const broad = Array.from({ length: 1_000 }, (_, i) => {
    const n = pick();
    const filters = { "metadata[tier]": tier(n) };
    return i % 10 === 0
      ? "/v1/messages?limit=100&metadata[tier]=pro"
      : `/v1/messages?limit=100&cursor=${encodeCursor({ id: seededId(seeding, n), dir: "next", filters })}`;
  });
  return sideBySide(
    {
      unfiltered: spec(page("")),
      exactKey: spec(Array.from({ length: 1_000 }, () => `/v1/messages?limit=100&metadata[order_id]=O${pick()}`)),
      broadKey: spec(broad),
    },
    (round) => log(`metadata filter at ${SEEDED.toLocaleString("en")} messages, round ${round} of ${LOAD.rounds}`),
  );
}

/** Starts one local Worker for the bench: the API alone, baseline B, the counting build alone, or the whole pipeline. */
export type StartWorker = (kind: "api" | "baseline" | "counting" | "pipeline") => Promise<LocalWorker>;

export interface BatchResults {
  accept: BatchAccept;
  cost: OperationCost;
  drain: DrainResult;
  metadataFilter: Record<"unfiltered" | "exactKey" | "broadKey", LoadResult>;
}

/** Every batch row, each on its own instance (one at a time: the machine's cores are shared). */
export async function batchRows(start: StartWorker, receiver: WebhookReceiver, log: (line: string) => void): Promise<BatchResults> {
  const [api, baseline] = [await start("api"), await start("baseline")];
  const accept = await batchAccept(api, baseline, log);
  await baseline.stop();
  const metadataFilter = await metadataFilterReads(api, log);
  await api.stop();
  const counting = await start("counting");
  log("a batch of 1,000 on the counting build");
  const cost = await batchCost({ url: counting.url, key: (await benchAccount(counting, "bench-batch-cost")).key });
  await counting.stop();
  const drain = await drainRow(start, receiver, log);
  return { accept, cost, drain, metadataFilter };
}

/** The batch rows as a markdown table. */
export function batchSummary(r: BatchResults): string {
  const f = (value: number, digits = 1) => value.toFixed(digits);
  const rows = [
    "| row | figure |",
    "| --- | --- |",
    `| baseline B | ${f(r.accept.baseline.rps, 0)} requests/s, ${f(r.accept.baseline.cpuMsPerRequest, 2)} ms CPU per request |`,
    ...Object.entries(r.accept.batches).map(
      ([size, b]) =>
        `| batch of ${size} | ${f(b.messagesPerSecond, 0)} messages/s (${f(b.vsBaseline)}x B's requests/s), ${f(b.cpuMsPerMessage, 3)} ms CPU per message (${f(b.cpuVsBaseline, 3)}x B's per request), p50 ${f(b.request.p50Ms, 0)} ms per request |`,
    ),
    `| batch of 1,000, per message | ${f(r.cost.d1Reads + r.cost.d1Writes, 3)} D1 statements, ${Object.entries(r.cost.d1ByDatabase)
      .map(([db, cost]) => `${db} ${f(cost.calls * cost.messages, 0)} calls`)
      .join(", ")}, Queue ${JSON.stringify(r.cost.queueMessages)}, ${f(r.cost.durableObjectRequests, 3)} object requests |`,
    drainSummary(r.drain),
    ...Object.entries(r.metadataFilter).map(([name, load]) => `| list at 200,000, ${name} | p50 ${f(load.p50Ms)} ms, p99 ${f(load.p99Ms)} ms |`),
    `| metadata filter p99 / unfiltered p99 | exact key ${f(r.metadataFilter.exactKey.p99Ms / r.metadataFilter.unfiltered.p99Ms, 2)}x, broad key ${f(r.metadataFilter.broadKey.p99Ms / r.metadataFilter.unfiltered.p99Ms, 2)}x |`,
  ];
  return rows.join("\n");
}
