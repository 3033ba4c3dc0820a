// The bench figures npm run capacity plans with: the last `npm run bench`
// (bench/results.json), else the run recorded in bench/recorded-results.json,
// which `npm run capacity -- --record` writes from a full run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { OperationCost } from "./life-cost.ts";
import type { Results } from "./report.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const RECORDED_RESULTS = path.join(ROOT, "bench/recorded-results.json");
const RECORDED = RECORDED_RESULTS;

/** The part of a bench run this script plans with (recorded-results.json holds exactly this). */
export type Used = Pick<Results, "date" | "durableAccept" | "pipeline" | "cost"> & { perShard?: Results["perShard"]; note?: string };

export function benchResults(given?: string): { source: string; results: Used } {
  const candidates = [given, path.join(ROOT, "bench/results.json"), RECORDED];
  const file = candidates.find((candidate) => candidate !== undefined && existsSync(candidate))!;
  return { source: path.relative(ROOT, file), results: JSON.parse(readFileSync(file, "utf8")) };
}

/** Without the per-statement breakdowns, which only the full results need. */
export function lean<T extends OperationCost | undefined>(cost: T): T {
  if (!cost) return cost;
  const { breakdown: _breakdown, ...rest } = cost;
  return rest as T;
}

/** `--record`: bench/results.json's figures that this script uses, into bench/recorded-results.json (committed). */
export function record(given?: string): void {
  const { source, results } = benchResults(given);
  if (!results.cost || !results.perShard?.life) throw new Error(`${source} is a --no-delivery run: record a full npm run bench`);
  if (results.note?.startsWith("--life")) throw new Error(`${source} is a --life run: record a full npm run bench`);
  const used: Used = {
    note: "The figures npm run capacity uses when bench/results.json is absent: the subset of the npm run bench run recorded in docs/benchmarks.md (Latest results).",
    date: results.date,
    durableAccept: { ...results.durableAccept, rounds: [] },
    pipeline: results.pipeline && { ...results.pipeline, stages: results.pipeline.stages.filter((stage) => stage.keptUp) },
    cost: { sms: lean(results.cost.sms!) },
    perShard: { accept: lean(results.perShard.accept), life: lean(results.perShard.life) },
  };
  writeFileSync(RECORDED, `${JSON.stringify(used, null, 2)}\n`);
  console.log(`recorded ${source} (${results.date.slice(0, 10)}) in ${path.relative(ROOT, RECORDED)}`);
}
