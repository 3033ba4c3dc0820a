// npm run bench: OmniFlow against the runtime's own limits, side by side in
// one run on this machine (see docs/benchmarks.md for what each figure means).
// Writes bench/results.json and prints the results as a markdown table.
// BENCH_PORT (default 8808) is the first of the five loopback ports it uses.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createKey, setLimits } from "../scripts/accounts.ts";
import { encodeCursor } from "../src/domain/cursor.ts";
import { LOAD, sideBySide } from "./load.ts";
import { BASELINE_CONFIG, type LocalWorker, omniflowCompatibilityDate, omniflowConfig, startLocalWorker } from "./local-worker.ts";
import { type Api, type LifeCost, lifeCost, SMS, type StageResult, steadyStage } from "./pipeline.ts";
import { markdownTable, type Results } from "./report.ts";
import { seededId, seedMessages } from "./seed.ts";
import { startWebhookReceiver } from "./webhook-receiver.ts";

const PORT = Number(process.env.BENCH_PORT ?? 8808);
const PORTS = { api: PORT, apiInspector: PORT + 1, baseline: PORT + 2, baselineInspector: PORT + 3, webhooks: PORT + 4 };
const SMALL = 1_000;
const LARGE = 200_000;
/** Steady-rate stages, messages/s, each for STAGE_SECONDS; the run stops at the first that falls behind. */
const STAGE_RATES = [10, 15, 20, 30, 45, 70, 100, 150, 220, 330];
const STAGE_SECONDS = 8;
const STAGE_DRAIN_MS = 15_000;
const LIFE_MESSAGES = 20;
/** The far-database mode's wait before every D1, Durable Object and Queue call. */
const FAR_DELAY_MS = 100;
/** A message whose first step fails at hand-off and whose one fallback step is delivered. */
const WHATSAPP_TO_SMS = { channel: "WHATSAPP", to: "+15005550004", content: { text: "Your code is 849201" }, fallback: [{ channel: "SMS" }] };
/** Closed-loop connections for the create while the pipeline runs (issue 13's figure). */
const PIPELINE_CONNECTIONS = 16;

const started = Date.now();
const loadAtStart = os.loadavg()[0]!;
const work = mkdtempSync(path.join(os.tmpdir(), "omniflow-bench-"));
const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

function worker(name: string, config: string, port: number, inspectorPort: number, options: { script?: string; extraArgs?: string[] } = {}) {
  return startLocalWorker({ config, port, inspectorPort, persistTo: path.join(work, name), logFile: path.join(work, `${name}.log`), ...options });
}

/**
 * The bench's load far exceeds the default 100 requests/s per key: each bench
 * account gets the highest override `npm run keys -- limits` allows, so the
 * rate limiter still runs on every request but never answers 429.
 */
const BENCH_RPS = 1_000_000;

async function testKey(instance: LocalWorker, account: string) {
  const created = await createKey(instance.d1, account, "test");
  setLimits(instance.d1, account, { rps: BENCH_RPS });
  return { ...created, headers: { authorization: `Bearer ${created.key}` } };
}

/** Request paths for one account's seeded messages: single messages, and list pages at random depths. */
function readPaths(startMs: number, count: number) {
  const pick = () => Math.floor(Math.random() * count);
  return {
    retrieve: Array.from({ length: 1_000 }, () => `/v1/messages/${seededId(startMs, pick())}`),
    // One request in ten reads the first page; the others continue from a random message's cursor.
    list: Array.from({ length: 1_000 }, (_, i) =>
      i % 10 === 0 ? "/v1/messages?limit=100" : `/v1/messages?limit=100&cursor=${encodeCursor({ id: seededId(startMs, pick()), dir: "next" })}`,
    ),
  };
}

async function readBenchmarks(api: LocalWorker) {
  // A day apart, so the two accounts' seeded ids never meet.
  const smallStart = Date.now() - 86_400_000;
  const largeStart = smallStart - 86_400_000;
  const small = await testKey(api, "bench-1k");
  const large = await testKey(api, "bench-200k");
  log(`seeding ${SMALL.toLocaleString("en")} and ${LARGE.toLocaleString("en")} messages`);
  seedMessages(api.d1, small.account_id, SMALL, smallStart);
  seedMessages(api.d1, large.account_id, LARGE, largeStart);
  const smallPaths = readPaths(smallStart, SMALL);
  const largePaths = readPaths(largeStart, LARGE);
  const spec = (headers: Record<string, string>, paths: string[]) => ({ url: api.url, headers, paths, expectStatus: 200, cpuSeconds: api.cpuSeconds });
  const results = await sideBySide(
    {
      retrieveSmall: spec(small.headers, smallPaths.retrieve),
      retrieveLarge: spec(large.headers, largePaths.retrieve),
      listSmall: spec(small.headers, smallPaths.list),
      listLarge: spec(large.headers, largePaths.list),
    },
    (round) => log(`reads with 1,000 and 200,000 stored, round ${round} of ${LOAD.rounds}`),
  );
  return {
    retrieve: { small: results.retrieveSmall, large: results.retrieveLarge },
    list: { small: results.listSmall, large: results.listLarge },
  };
}

/**
 * `POST /v1/messages` on the normal Worker with its consumer (every create is
 * delivered, with its callbacks, while the load runs), closed loop, beside
 * baseline B under the same load.
 */
async function createWhilePipelineRuns(pipeline: LocalWorker, key: string, body: string) {
  const baseline = await worker("baseline-2", BASELINE_CONFIG, PORTS.baseline, PORTS.baselineInspector, {
    extraArgs: ["--compatibility-date", omniflowCompatibilityDate()],
  });
  const json = { "content-type": "application/json" };
  const results = await sideBySide(
    {
      baseline: {
        url: baseline.url,
        method: "POST",
        headers: json,
        body,
        expectStatus: 201,
        cpuSeconds: baseline.cpuSeconds,
        connections: PIPELINE_CONNECTIONS,
      },
      create: {
        url: `${pipeline.url}/v1/messages`,
        method: "POST",
        headers: { ...json, authorization: `Bearer ${key}` },
        body,
        expectStatus: 201,
        cpuSeconds: pipeline.cpuSeconds,
        connections: PIPELINE_CONNECTIONS,
      },
    },
    (round) => log(`POST /v1/messages while the pipeline runs, beside baseline B, round ${round} of ${LOAD.rounds}`),
  );
  await baseline.stop();
  return { connections: PIPELINE_CONNECTIONS, ...results };
}

/**
 * One request at a time, on the counting build with no delay and with every
 * D1, Durable Object and Queue call made FAR_DELAY_MS slower: the create's p50
 * grows by (its sequential remote calls) x the delay.
 */
async function createFromAfar(body: string) {
  const json = { "content-type": "application/json" };
  const measure = async (name: string, delayMs: number) => {
    const instance = await worker(
      name,
      omniflowConfig(work, name, { consumers: false, vars: { BENCH_DELAY_MS: String(delayMs) } }),
      PORTS.api,
      PORTS.apiInspector,
      {
        script: "bench/counting-worker.ts",
      },
    );
    const { key } = await testKey(instance, `bench-${name}`);
    const spec = { url: `${instance.url}/v1/messages`, method: "POST" as const, headers: { ...json, authorization: `Bearer ${key}` }, body, expectStatus: 201 };
    const { create } = await sideBySide({ create: { ...spec, cpuSeconds: instance.cpuSeconds, connections: 1 } }, (round) =>
      log(`create, one at a time, every remote call +${delayMs} ms, round ${round} of ${LOAD.rounds}`),
    );
    await instance.stop();
    return create;
  };
  const near = await measure("near", 0);
  const far = await measure("far", FAR_DELAY_MS);
  return { delayMs: FAR_DELAY_MS, near, far, sequentialCalls: (far.p50Ms - near.p50Ms) / FAR_DELAY_MS };
}

async function main(): Promise<Results> {
  log(`state and logs in ${work}`);
  // 1-4: the accept path and the reads, on an instance whose Queue has no
  // consumer (deliveries would compete for the CPU), beside baseline B.
  const [api, baseline] = await Promise.all([
    worker("api", omniflowConfig(work, "api", { consumers: false }), PORTS.api, PORTS.apiInspector),
    worker("baseline", BASELINE_CONFIG, PORTS.baseline, PORTS.baselineInspector, { extraArgs: ["--compatibility-date", omniflowCompatibilityDate()] }),
  ]);
  const sender = await testKey(api, "bench-create");
  const createBody = JSON.stringify(SMS);
  const json = { "content-type": "application/json" };

  const { healthz, durableAccept, create } = await sideBySide(
    {
      healthz: { url: `${api.url}/healthz`, expectStatus: 200, cpuSeconds: api.cpuSeconds },
      durableAccept: { url: baseline.url, method: "POST", headers: json, body: createBody, expectStatus: 201, cpuSeconds: baseline.cpuSeconds },
      create: {
        url: `${api.url}/v1/messages`,
        method: "POST",
        headers: { ...json, ...sender.headers },
        body: createBody,
        expectStatus: 201,
        cpuSeconds: api.cpuSeconds,
      },
    },
    (round) => log(`GET /healthz, baseline B and POST /v1/messages, round ${round} of ${LOAD.rounds}`),
  );
  await baseline.stop();
  const reads = await readBenchmarks(api);
  await api.stop();

  // 5: the whole pipeline, unmodified, with its consumer.
  const receiver = await startWebhookReceiver(PORTS.webhooks);
  const pipeline = await worker("pipeline", omniflowConfig(work, "pipeline", { consumers: true }), PORTS.api, PORTS.apiInspector);
  const e2e: Api = { url: pipeline.url, key: (await testKey(pipeline, "bench-e2e")).key };
  const stages: StageResult[] = [];
  for (const rate of STAGE_RATES) {
    log(`end to end: ${rate} messages/s for ${STAGE_SECONDS} s`);
    const stage = await steadyStage(e2e, receiver, rate, STAGE_SECONDS, STAGE_DRAIN_MS, pipeline.cpuSeconds);
    stages.push(stage);
    if (!stage.keptUp) break;
  }
  const whilePipelineRuns = await createWhilePipelineRuns(pipeline, e2e.key, createBody);
  await pipeline.stop();
  const farDatabase = await createFromAfar(createBody);

  // 6: billed operations per message, on the counting build of the same Worker.
  const counting = await worker("counting", omniflowConfig(work, "counting", { consumers: true }), PORTS.api, PORTS.apiInspector, {
    script: "bench/counting-worker.ts",
  });
  const counted: Api = { url: counting.url, key: (await testKey(counting, "bench-cost")).key };
  log(`cost per message: ${LIFE_MESSAGES} messages per channel`);
  const email = { channel: "EMAIL", to: "ada@example.com", content: { subject: "Your code", text: "849201" } };
  const whatsapp = { channel: "WHATSAPP", to: "+14155550123", content: { text: "Your code is 849201" } };
  const cost: Record<string, LifeCost> = {
    sms: await lifeCost(counted, receiver, SMS, "message.delivered", LIFE_MESSAGES),
    // The same with an Idempotency-Key: its claim is a D1 write too (the message is its stored response).
    "sms, Idempotency-Key": await lifeCost(counted, receiver, SMS, "message.delivered", LIFE_MESSAGES, { idempotencyKey: true }),
    email: await lifeCost(counted, receiver, email, "message.delivered", LIFE_MESSAGES),
    // The sandbox reports WhatsApp messages read after delivered: their life ends there.
    whatsapp: await lifeCost(counted, receiver, whatsapp, "message.read", LIFE_MESSAGES),
    // Issue 15: WhatsApp to the sandbox's "not on WhatsApp" number, failing over to SMS, which is delivered.
    "whatsapp -> sms fallback": await lifeCost(counted, receiver, WHATSAPP_TO_SMS, "message.delivered", LIFE_MESSAGES),
  };
  await counting.stop();
  await receiver.close();

  return {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      // Other work on the machine during the run: the figures are only as quiet as it was.
      loadAverage1mAtStart: loadAtStart,
      loadAverage1mAtEnd: os.loadavg()[0]!,
      node: process.version,
    },
    load: LOAD,
    healthz,
    durableAccept,
    create,
    reads,
    pipeline: { stageSeconds: STAGE_SECONDS, stages },
    whilePipelineRuns,
    farDatabase,
    cost,
    runSeconds: (Date.now() - started) / 1000,
  };
}

try {
  const results = await main();
  const file = path.resolve(import.meta.dirname, "results.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(markdownTable(results));
  log(`done in ${results.runSeconds.toFixed(0)} s; results in ${path.relative(process.cwd(), file)}`);
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)} (state and logs kept in ${work})`);
  process.exitCode = 1;
}
process.exit();
