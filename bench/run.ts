// npm run bench: OmniFlow against the runtime's own limits, side by side in
// one run on this machine (see docs/benchmarks.md for what each figure means).
// Writes bench/results.json and prints the results as a markdown table.
// BENCH_PORT (default 8808) is the first of the five loopback ports it uses.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchAccount, ONE_SHARD, TWO_SHARDS } from "./accounts.ts";
import { batchRows, batchSummary, type StartWorker } from "./batch.ts";
import { benchResults, lean, RECORDED_RESULTS } from "./capacity-results.ts";
import { acceptCost, type LifeCost, lifeCost, verifyCost } from "./life-cost.ts";
import { LOAD, sideBySide } from "./load.ts";
import { BASELINE_CONFIG, type LocalWorker, omniflowCompatibilityDate, omniflowConfig, startLocalWorker } from "./local-worker.ts";
import { mediaRow, mediaSummary } from "./media.ts";
import { type Api, SMS, type StageResult, steadyStage } from "./pipeline.ts";
import { readBenchmarks, readsSummary } from "./reads.ts";
import { costRows, machine, markdownTable, type Results, sustainedRate } from "./report.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

const PORT = Number(process.env.BENCH_PORT ?? 8808);
const PORTS = { api: PORT, apiInspector: PORT + 1, baseline: PORT + 2, baselineInspector: PORT + 3, webhooks: PORT + 4 };
/** Steady-rate stages, messages/s, each for STAGE_SECONDS; the run stops at the first that falls behind. */
const STAGE_RATES = [10, 15, 20, 30, 45, 70, 100, 150, 220, 330];
const STAGE_SECONDS = 8;
const STAGE_DRAIN_MS = 15_000;
const LIFE_MESSAGES = 20;
/** The far-database mode's wait before every D1, Durable Object and Queue call. */
const FAR_DELAY_MS = 100;
/** A message whose first step fails at hand-off and whose one fallback step is delivered. */
const WHATSAPP_TO_SMS = { channel: "WHATSAPP", to: "+15005550004", content: { text: "Your code is 849201" }, fallback: [{ channel: "SMS" }] };
/** Closed-loop connections for the create while the pipeline runs. */
const PIPELINE_CONNECTIONS = 16;
/** Creates counted for the accept path's cost per message database. */
const ACCEPT_MESSAGES = 200;
/** The per-shard life cost: messages created at a steady rate (the pipeline's sustained one, at least this) for this long. */
const SHARD_LIFE_MIN_RATE = 10;
const SHARD_LIFE_SECONDS = 10;
/**
 * `npm run bench -- --no-delivery`: only what needs no delivery (figures 1-4
 * and 3c, the accept path's cost per database), for a branch whose pipeline
 * does not run.
 */
const NO_DELIVERY = process.argv.includes("--no-delivery");
/**
 * `npm run bench -- --life`: only the counting build's SMS life (figure 6's
 * first row) and the per-shard life (figure 7's), about a minute, merged over
 * bench/recorded-results.json's other figures into bench/results.json, so
 * `npm run capacity` plans with the storage writes, rows and Queue messages
 * of the code as it is now. Its table says which figures are recorded ones.
 */
const LIFE_ONLY = process.argv.includes("--life");
/** `npm run bench -- --batch`: only the batch and metadata rows (bench/batch.ts), written to bench/batch-results.json. */
const BATCH_ONLY = process.argv.includes("--batch");
/** `npm run bench -- --verify-only`: figure 6's Verify row alone (an approved verification, SMS, one check), in about a minute. */
const VERIFY_ONLY = process.argv.includes("--verify-only");
/** `npm run bench -- --media`: the attachments row alone (a 1 MB PDF to 100 recipients, R2 puts counted), in about a minute. */
const MEDIA_ONLY = process.argv.includes("--media");
/** `npm run bench -- --reads`: figure 4 alone (retrieves and list pages over 1,000 and 200,000 stored messages), for a change of the message table. */
const READS_ONLY = process.argv.includes("--reads");

const started = Date.now();
const loadAtStart = os.loadavg()[0]!;
const work = mkdtempSync(path.join(os.tmpdir(), "omniflow-bench-"));
const log = (line: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

function worker(name: string, config: string, port: number, inspectorPort: number, options: { script?: string; extraArgs?: string[] } = {}) {
  return startLocalWorker({ config, port, inspectorPort, persistTo: path.join(work, name), logFile: path.join(work, `${name}.log`), ...options });
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
 * grows by (its sequential remote calls) x the delay. Without the delay it
 * also counts what a create costs each database, for an account over two shards.
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
    const { key } = await benchAccount(instance, `bench-${name}`, ONE_SHARD);
    const spec = { url: `${instance.url}/v1/messages`, method: "POST" as const, headers: { ...json, authorization: `Bearer ${key}` }, body, expectStatus: 201 };
    const { create } = await sideBySide({ create: { ...spec, cpuSeconds: instance.cpuSeconds, connections: 1 } }, (round) =>
      log(`create, one at a time, every remote call +${delayMs} ms, round ${round} of ${LOAD.rounds}`),
    );
    let cost: Awaited<ReturnType<typeof acceptCost>> | undefined;
    if (delayMs === 0) {
      log(`accept path's cost per database: ${ACCEPT_MESSAGES} creates for an account over two shards`);
      cost = await acceptCost({ url: instance.url, key: (await benchAccount(instance, "bench-accept-spread", TWO_SHARDS)).key }, SMS, ACCEPT_MESSAGES);
    }
    await instance.stop();
    return { create, cost };
  };
  const near = await measure("near", 0);
  const far = await measure("far", FAR_DELAY_MS);
  const farDatabase = { delayMs: FAR_DELAY_MS, near: near.create, far: far.create, sequentialCalls: (far.create.p50Ms - near.create.p50Ms) / FAR_DELAY_MS };
  return { farDatabase, acceptCost: near.cost! };
}

/** Figures 1-4: the accept path beside the baselines, and the reads, on an instance without consumers (no delivery competes for the CPU). */
async function acceptAndReads(createBody: string) {
  const [api, baseline] = await Promise.all([
    worker("api", omniflowConfig(work, "api", { consumers: false }), PORTS.api, PORTS.apiInspector),
    worker("baseline", BASELINE_CONFIG, PORTS.baseline, PORTS.baselineInspector, { extraArgs: ["--compatibility-date", omniflowCompatibilityDate()] }),
  ]);
  const sender = await benchAccount(api, "bench-create");
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
  const reads = await readBenchmarks(api, log);
  await api.stop();
  return { healthz, durableAccept, create, reads };
}

/** Figures 5 and 3b: the whole pipeline, unmodified, with every consumer (deliveries and status projections). */
async function endToEnd(receiver: WebhookReceiver, createBody: string) {
  const pipeline = await worker("pipeline", omniflowConfig(work, "pipeline", { consumers: true }), PORTS.api, PORTS.apiInspector);
  const e2e: Api = { url: pipeline.url, key: (await benchAccount(pipeline, "bench-e2e")).key };
  const stages: StageResult[] = [];
  for (const rate of STAGE_RATES) {
    log(`end to end: ${rate} messages/s for ${STAGE_SECONDS} s`);
    const stage = await steadyStage(e2e, receiver, rate, STAGE_SECONDS, STAGE_DRAIN_MS, pipeline.cpuSeconds);
    stages.push(stage);
    if (!stage.keptUp) break;
  }
  const whilePipelineRuns = await createWhilePipelineRuns(pipeline, e2e.key, createBody);
  await pipeline.stop();
  return { pipeline: { stageSeconds: STAGE_SECONDS, stages }, whilePipelineRuns };
}

/**
 * Figure 6, billed operations per message on the counting build of the same
 * Worker with every consumer; and the life cost per message database, for an
 * account over two shards sending at `perSecond` (status projections batch
 * more as the rate grows: this is what they do at that rate).
 */
async function lifeCosts(receiver: WebhookReceiver, perSecond: number, smsOnly = false) {
  const counting = await worker("counting", omniflowConfig(work, "counting", { consumers: true }), PORTS.api, PORTS.apiInspector, {
    script: "bench/counting-worker.ts",
  });
  const counted: Api = { url: counting.url, key: (await benchAccount(counting, "bench-cost")).key };
  log(`cost per message: ${LIFE_MESSAGES} messages per channel`);
  const email = { channel: "EMAIL", to: "ada@example.com", content: { subject: "Your code", text: "849201" } };
  const whatsapp = { channel: "WHATSAPP", to: "+14155550123", content: { text: "Your code is 849201" } };
  const sms = await lifeCost(counted, receiver, SMS, "message.delivered", LIFE_MESSAGES);
  const cost: Record<string, LifeCost> = smsOnly
    ? { sms }
    : {
        sms,
        // The same with an Idempotency-Key: its claim is a D1 write too (the message is its stored response).
        "sms, Idempotency-Key": await lifeCost(counted, receiver, SMS, "message.delivered", LIFE_MESSAGES, { idempotencyKey: true }),
        email: await lifeCost(counted, receiver, email, "message.delivered", LIFE_MESSAGES),
        // The sandbox reports WhatsApp messages read after delivered: their life ends there.
        whatsapp: await lifeCost(counted, receiver, whatsapp, "message.read", LIFE_MESSAGES),
        // Failover: WhatsApp to the sandbox's "not on WhatsApp" number, failing over to SMS, which is delivered.
        "whatsapp -> sms fallback": await lifeCost(counted, receiver, WHATSAPP_TO_SMS, "message.delivered", LIFE_MESSAGES),
        "verification: sms, one check": await verifyCost(counted, receiver, LIFE_MESSAGES),
      };
  log(`cost per message database: SMS at ${perSecond}/s for ${SHARD_LIFE_SECONDS} s from an account over two shards`);
  const spread: Api = { url: counting.url, key: (await benchAccount(counting, "bench-cost-spread", TWO_SHARDS)).key };
  const shardLife = await lifeCost(spread, receiver, SMS, "message.delivered", perSecond * SHARD_LIFE_SECONDS, { perSecond });
  await counting.stop();
  return { cost, shardLife };
}

/** `--life`: figure 6's SMS row and figure 7's whole life at the recorded sustained rate, over the recorded run's other figures. */
async function lifeOnly(): Promise<Results> {
  const recorded = benchResults(RECORDED_RESULTS).results;
  const receiver = await startWebhookReceiver(PORTS.webhooks);
  const { cost, shardLife } = await lifeCosts(receiver, Math.max(SHARD_LIFE_MIN_RATE, sustainedRate(recorded.pipeline?.stages ?? [])), true);
  await receiver.close();
  return {
    ...(recorded as unknown as Results),
    note: `--life run: figures 6 (sms) and 7 (whole life) measured ${new Date().toISOString()}; the rest recorded on ${recorded.date}`,
    date: new Date().toISOString(),
    cost,
    perShard: { ...recorded.perShard!, life: shardLife },
    runSeconds: (Date.now() - started) / 1000,
  } as Results;
}

async function main(): Promise<Results> {
  log(`state and logs in ${work}${NO_DELIVERY ? "; --no-delivery: figures 5, 3b and 6 are skipped" : ""}`);
  const createBody = JSON.stringify(SMS);
  const { healthz, durableAccept, create, reads } = await acceptAndReads(createBody);
  let delivery: Pick<Results, "pipeline" | "whilePipelineRuns" | "cost"> = {};
  let shardLife: LifeCost | undefined;
  if (!NO_DELIVERY) {
    const receiver = await startWebhookReceiver(PORTS.webhooks);
    const { pipeline, whilePipelineRuns } = await endToEnd(receiver, createBody);
    const costs = await lifeCosts(receiver, Math.max(SHARD_LIFE_MIN_RATE, sustainedRate(pipeline.stages)));
    await receiver.close();
    delivery = { pipeline, whilePipelineRuns, cost: costs.cost };
    shardLife = costs.shardLife;
  }
  const { farDatabase, acceptCost: accept } = await createFromAfar(createBody);

  return {
    date: new Date().toISOString(),
    machine: machine(loadAtStart),
    load: LOAD,
    healthz,
    durableAccept,
    create,
    reads,
    ...delivery,
    farDatabase,
    perShard: { accept, life: shardLife },
    runSeconds: (Date.now() - started) / 1000,
  };
}

/** The batch rows alone, each on its own instance. */
function startForBatch(kind: Parameters<StartWorker>[0]): Promise<LocalWorker> {
  if (kind === "baseline")
    return worker("baseline", BASELINE_CONFIG, PORTS.baseline, PORTS.baselineInspector, { extraArgs: ["--compatibility-date", omniflowCompatibilityDate()] });
  const config = omniflowConfig(work, kind, { consumers: kind === "pipeline" });
  return worker(kind, config, PORTS.api, PORTS.apiInspector, kind === "counting" ? { script: "bench/counting-worker.ts" } : {});
}

if (BATCH_ONLY) {
  const results = await batchRows(startForBatch, log);
  writeFileSync(path.resolve(import.meta.dirname, "batch-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(batchSummary(results));
  rmSync(work, { recursive: true, force: true });
  process.exit();
}

/** The Verify row alone, on the counting Worker. */
async function verifyOnly(): Promise<void> {
  const receiver = await startWebhookReceiver(PORTS.webhooks);
  const counting = await worker("counting", omniflowConfig(work, "counting", { consumers: true }), PORTS.api, PORTS.apiInspector, {
    script: "bench/counting-worker.ts",
  });
  const counted: Api = { url: counting.url, key: (await benchAccount(counting, "bench-verify")).key };
  log(`cost per approved verification: ${LIFE_MESSAGES} verifications`);
  const cost = { "verification: sms, one check": await verifyCost(counted, receiver, LIFE_MESSAGES) };
  await counting.stop();
  await receiver.close();
  console.log(costRows(cost).join("\n"));
  console.log(`\n${JSON.stringify(cost, null, 2)}`);
}

if (VERIFY_ONLY) {
  try {
    await verifyOnly();
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.message : String(error)} (state and logs kept in ${work})`);
    process.exitCode = 1;
  }
  process.exit();
}

if (MEDIA_ONLY) {
  try {
    const counting = await worker("counting", omniflowConfig(work, "counting", { consumers: false }), PORTS.api, PORTS.apiInspector, {
      script: "bench/counting-worker.ts",
    });
    log("a 1 MB PDF to 100 recipients on the counting build");
    const results = await mediaRow({ url: counting.url, key: (await benchAccount(counting, "bench-media")).key });
    await counting.stop();
    console.log(mediaSummary(results));
    console.log(`\n${JSON.stringify(results, null, 2)}`);
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.message : String(error)} (state and logs kept in ${work})`);
    process.exitCode = 1;
  }
  process.exit();
}

if (READS_ONLY) {
  try {
    const api = await worker("api", omniflowConfig(work, "api", { consumers: false }), PORTS.api, PORTS.apiInspector);
    const reads = await readBenchmarks(api, log);
    await api.stop();
    console.log(readsSummary(reads));
    console.log(`\n${JSON.stringify(reads, null, 2)}`);
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.message : String(error)} (state and logs kept in ${work})`);
    process.exitCode = 1;
  }
  process.exit();
}

try {
  const results = LIFE_ONLY ? await lifeOnly() : await main();
  const file = path.resolve(import.meta.dirname, "results.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(LIFE_ONLY ? JSON.stringify({ sms: lean(results.cost!.sms!), perShardLife: lean(results.perShard.life) }, null, 2) : markdownTable(results));
  log(`done in ${results.runSeconds.toFixed(0)} s; results in ${path.relative(process.cwd(), file)}`);
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  log(`failed: ${error instanceof Error ? error.message : String(error)} (state and logs kept in ${work})`);
  process.exitCode = 1;
}
process.exit();
