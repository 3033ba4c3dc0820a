// What `npm run bench` writes to bench/results.json, and its markdown table.
import os from "node:os";
import type { LifeCost, OperationCost } from "./life-cost.ts";
import type { LOAD, LoadResult } from "./load.ts";
import type { StageResult } from "./pipeline.ts";
import type { ReadResults } from "./reads.ts";
import { perShardRows } from "./report-shards.ts";

export interface Results {
  date: string;
  /** Set by `--life`: which figures were measured in this run and which were taken from the recorded one. */
  note?: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAverage1mAtStart: number; loadAverage1mAtEnd: number; node: string };
  load: typeof LOAD;
  healthz: LoadResult;
  durableAccept: LoadResult;
  create: LoadResult;
  reads: ReadResults;
  /** Figures 5, 3b and 6 need deliveries: absent from a `--no-delivery` run. */
  pipeline?: { stageSeconds: number; stages: StageResult[] };
  whilePipelineRuns?: { connections: number; baseline: LoadResult; create: LoadResult };
  farDatabase: { delayMs: number; near: LoadResult; far: LoadResult; sequentialCalls: number };
  cost?: Record<string, LifeCost>;
  /** Figure 7: D1 per database, for an account over two shards: its creates alone, and (with deliveries) whole lives. */
  perShard: { accept: OperationCost; life?: LifeCost };
  runSeconds: number;
}

/** This machine, and the other work on it during the run: the figures are only as quiet as it was. */
export function machine(loadAverage1mAtStart: number): Results["machine"] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage1mAtStart,
    loadAverage1mAtEnd: os.loadavg()[0]!,
    node: process.version,
  };
}

const TARGETS = {
  createToBaselineB: 0.8,
  listP99LargeToSmall: 1.5,
  listP99TwoShardsToOne: 1.5,
  d1WritesPerMessage: 3,
  createWhilePipelineToB: 0.35,
  sustainedToB: 0.25,
  cpuPerMessageToB: 3,
  sequentialCalls: 3,
  durableObjectRequests: 3,
  storageWrites: 8,
  d1Reads: 2,
};

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "-");
const rps = (value: number) => value.toFixed(0);
const ratio = (value: number) => `${value.toFixed(2)}x`;
const met = (ok: boolean) => (ok ? "met" : "**missed**");
const num = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** CPU per message of the highest stage that kept up (NaN when none did). */
function sustainedCpu(stages: StageResult[]): number {
  const kept = stages.filter((s) => s.keptUp).at(-1);
  return kept ? kept.cpuMsPerMessage : Number.NaN;
}

/** The highest steady rate whose stage kept up (0 when none did). */
export function sustainedRate(stages: StageResult[]): number {
  return Math.max(0, ...stages.filter((s) => s.keptUp).map((s) => s.targetPerSecond));
}

function loadRows(r: Results): string[] {
  const { healthz: a, durableAccept: b, create, reads, whilePipelineRuns: busy, farDatabase: far } = r;
  const rows: string[][] = [];
  const load = (label: string, result: LoadResult, note: string) =>
    rows.push([label, rps(result.rps), ms(result.p50Ms), ms(result.p99Ms), ms(result.cpuMsPerRequest), note]);

  load("1. Baseline A: `GET /healthz`", a, "");
  load("2. Baseline B: 1 D1 insert + 1 Queue send", b, `${ratio(b.rps / a.rps)} A; CPU/req ${ratio(b.cpuMsPerRequest / a.cpuMsPerRequest)} A`);
  const createToB = create.rps / b.rps;
  load(
    "3. `POST /v1/messages`",
    create,
    `${ratio(createToB)} B (target >= ${TARGETS.createToBaselineB}: ${met(createToB >= TARGETS.createToBaselineB)}), ${ratio(create.rps / a.rps)} A; ` +
      `CPU/req ${ratio(create.cpuMsPerRequest / b.cpuMsPerRequest)} B`,
  );
  if (busy) {
    const busyToB = busy.create.rps / busy.baseline.rps;
    load(`3b. Baseline B, ${busy.connections} connections, beside the pipeline run`, busy.baseline, "");
    load(
      `3b. \`POST /v1/messages\` while the pipeline runs (consumers, deliveries, callbacks; ${busy.connections} connections)`,
      busy.create,
      `${ratio(busyToB)} B (target >= ${TARGETS.createWhilePipelineToB}: ${met(busyToB >= TARGETS.createWhilePipelineToB)})`,
    );
  }
  load("3c. `POST /v1/messages`, 1 connection (counting build)", far.near, "");
  load(
    `3c. The same, every D1, Durable Object and Queue call +${far.delayMs} ms`,
    far.far,
    `p50 +${(far.far.p50Ms - far.near.p50Ms).toFixed(1)} ms = ${far.sequentialCalls.toFixed(1)} sequential remote calls ` +
      `(target <= ${TARGETS.sequentialCalls}: ${met(Math.round(far.sequentialCalls) <= TARGETS.sequentialCalls)}; B makes 2)`,
  );
  for (const [route, label] of [
    ["retrieve", "`GET /v1/messages/:id`"],
    ["list", "`GET /v1/messages?limit=100`"],
  ] as const) {
    const { small, large, spread } = reads[route];
    const deep = large.p99Ms / small.p99Ms;
    const twoToOne = spread.p99Ms / large.p99Ms;
    const isList = route === "list";
    load(`4. ${label}, 1,000 stored`, small, "");
    const depthTarget = isList ? ` (target <= ${TARGETS.listP99LargeToSmall}: ${met(deep <= TARGETS.listP99LargeToSmall)})` : "";
    load(`4. ${label}, 200,000 stored on one shard`, large, `p99 ${ratio(deep)} 1,000${depthTarget}, p50 ${ratio(large.p50Ms / small.p50Ms)}`);
    const spreadTarget = isList ? ` (target <= ${TARGETS.listP99TwoShardsToOne}: ${met(twoToOne <= TARGETS.listP99TwoShardsToOne)})` : "";
    load(`4. ${label}, 200,000 stored over two shards`, spread, `p99 ${ratio(twoToOne)} one shard${spreadTarget}, p50 ${ratio(spread.p50Ms / large.p50Ms)}`);
  }
  return [
    `Load: ${r.load.connections} connections; each route warmed up ${r.load.warmupSeconds} s, then the routes compared with each other ` +
      `take turns for ${r.load.rounds} rounds of ${r.load.secondsPerRound} s; each figure is the median of its rounds.`,
    "",
    "| figure | req/s | p50 | p99 | CPU/req | ratio |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

function pipelineRows(pipeline: NonNullable<Results["pipeline"]>, b: LoadResult): string[] {
  const sustained = sustainedRate(pipeline.stages);
  const cpu = sustainedCpu(pipeline.stages) / b.cpuMsPerRequest;
  return [
    `5. End to end in the sandbox (SMS, ${pipeline.stageSeconds} s per steady rate; sandbox: 50 ms hand-off, delivery report 1,000 ms later):`,
    "",
    "| messages/s offered | created/s | 201 -> hand-off p50 / p99 | 201 -> delivered p50 / p99 | backlog growth | CPU/message | kept up |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...pipeline.stages.map(
      (s) =>
        `| ${s.targetPerSecond} | ${rps(s.createdPerSecond)} | ${ms(s.handoffP50Ms)} / ${ms(s.handoffP99Ms)} | ${ms(s.deliveredP50Ms)} / ${ms(s.deliveredP99Ms)} | ${ms(s.backlogGrowthMs)} | ${ms(s.cpuMsPerMessage)} | ${s.keptUp ? "yes" : "no"} |`,
    ),
    "",
    `Sustained: **${sustained} messages/s** through Queue, consumers and Durable Objects without a growing backlog: ` +
      `${ratio(sustained / b.rps)} B's requests/s (target >= ${TARGETS.sustainedToB}: ${met(sustained / b.rps >= TARGETS.sustainedToB)}); ` +
      `CPU per message at that rate ${ratio(cpu)} B's CPU per request (target <= ${TARGETS.cpuPerMessageToB}: ${met(cpu <= TARGETS.cpuPerMessageToB)}).`,
  ];
}

export function costRows(cost: Record<string, LifeCost>): string[] {
  return [
    "6. Billed operations per message over its whole life (created -> final status, every status_callback acknowledged):",
    "",
    `Targets per message: D1 writes <= ${TARGETS.d1WritesPerMessage}, D1 reads <= ${TARGETS.d1Reads}, Durable Object requests <= ${TARGETS.durableObjectRequests} (gate call included), storage writes <= ${TARGETS.storageWrites} (an SMS; email and WhatsApp live the same way).`,
    "",
    "| channel (life) | D1 writes | D1 reads | Durable Object requests: all (MessageStatus + AccountGate) | DO storage writes | rows written, as billed: D1 / DO storage | webhooks |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...Object.entries(cost).map(
      ([channel, c]) =>
        `| ${channel} (to ${c.finalEvent.replace("message.", "")}) | ${num(c.d1Writes)} (target <= ${TARGETS.d1WritesPerMessage}: ${met(c.d1Writes <= TARGETS.d1WritesPerMessage)}) | ${num(c.d1Reads)} | ${num(c.durableObjectRequests)} (${num(c.durableObjectRequestsByClass.MessageStatus ?? 0)} + ${num(c.durableObjectRequestsByClass.AccountGate ?? 0)}${c.durableObjectRequestsByClass.Verifier ? ` + ${num(c.durableObjectRequestsByClass.Verifier)} Verifier` : ""}) | ${num(c.durableObjectStorageWrites)} | ${c.rowsWritten ? `${num(c.rowsWritten.d1)} / ${num(c.rowsWritten.durableObjects)}` : "-"} | ${num(c.webhooks)} |`,
    ),
  ];
}

export function markdownTable(r: Results): string {
  const b = r.durableAccept;
  const skipped = "Figures 3b, 5 and 6 and the whole life in 7 need deliveries: not run (`--no-delivery`).";
  const sections = [
    loadRows(r),
    r.pipeline ? pipelineRows(r.pipeline, b) : [skipped],
    r.cost ? costRows(r.cost) : [],
    perShardRows(r.perShard),
    [
      `${r.date.slice(0, 10)}, ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, ` +
        `load average ${r.machine.loadAverage1mAtStart.toFixed(1)} at start / ${r.machine.loadAverage1mAtEnd.toFixed(1)} at end; run took ${r.runSeconds.toFixed(0)} s.`,
    ],
  ];
  return sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join("\n"))
    .join("\n\n");
}
