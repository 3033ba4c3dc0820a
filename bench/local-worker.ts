// Local Workers for the bench: each runs under `wrangler dev` (workerd, the
// runtime `wrangler dev` always uses) with its own state directory, logging
// at errors only, until stop() ends its process group.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { applyMigrations } from "../scripts/lib/apply-migrations.ts";
import type { D1Target } from "../scripts/lib/d1.ts";
import { signalGroup, untilServing } from "../scripts/lib/local-api.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const READY_TIMEOUT_MS = 60_000;

/**
 * Writes OmniFlow's wrangler.toml, as wrangler reads it, to a JSON config in
 * `dir`: the same bindings, vars and Durable Object migrations. With
 * `consumers: false` every Queue keeps its producer but none has a consumer,
 * so requests measure the accept path alone while no delivery competes for
 * the CPU. With `consumers: true` every consumer runs: the deliveries' and the
 * status projections' (whose batches are part of what the pipeline costs).
 */
export function omniflowConfig(dir: string, name: string, { consumers, vars = {} }: { consumers: boolean; vars?: Record<string, string> }): string {
  const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
  const consumed = new Set(config.queues.consumers.map((consumer: { queue: string }) => consumer.queue));
  const unconsumed = config.queues.producers.filter((producer: { queue: string }) => !consumed.has(producer.queue));
  // A producer without a consumer would measure a pipeline whose queued work (status projections, say) is never done.
  if (consumers && unconsumed.length > 0) throw new Error(`wrangler.toml has no consumer for ${unconsumed.map((p: { queue: string }) => p.queue).join(", ")}`);
  const json = {
    name: config.name,
    main: config.main,
    compatibility_date: config.compatibility_date,
    compatibility_flags: config.compatibility_flags,
    keep_names: config.keep_names,
    d1_databases: config.d1_databases.map((db: (typeof config.d1_databases)[number]) => ({
      ...db,
      migrations_dir: path.join(ROOT, db.migrations_dir ?? "migrations"),
    })),
    // The MEDIA bucket (attachments and media), local under wrangler dev.
    r2_buckets: config.r2_buckets,
    queues: { producers: config.queues.producers, consumers: consumers ? config.queues.consumers : [] },
    durable_objects: config.durable_objects,
    migrations: config.migrations,
    vars: { ...config.vars, ...vars },
  };
  const file = path.join(dir, `${name}.wrangler.json`);
  writeFileSync(file, JSON.stringify(json, null, 2));
  return file;
}

export function omniflowCompatibilityDate(): string {
  return unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") }).compatibility_date!;
}

export const BASELINE_CONFIG = path.join(ROOT, "bench/baseline-worker/wrangler.toml");

export interface LocalWorker {
  url: string;
  d1: D1Target;
  /** CPU time (user + system, s) used so far by the worker's processes: wrangler and its workerd runtimes. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Sums utime + stime of every live process in the group, from /proc (Linux). */
function groupCpuSeconds(groupId: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // Gone meanwhile.
    }
    // Fields after the command name (which may contain spaces): state is field 3, pgrp 5, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === groupId) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

export interface StartOptions {
  config: string;
  persistTo: string;
  port: number;
  inspectorPort: number;
  /** An entry point in place of the config's `main`. */
  script?: string;
  extraArgs?: string[];
  logFile: string;
}

const running = new Set<ChildProcess>();

// A bench interrupted half way must not leave its workers behind.
process.on("exit", () => {
  for (const child of running) signalGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** Applies the D1 migrations to the worker's state directory, then serves it and waits until it answers. */
export async function startLocalWorker(options: StartOptions): Promise<LocalWorker> {
  const d1: D1Target = { remote: false, config: options.config, persistTo: options.persistTo };
  applyMigrations(d1, { quiet: true });
  const args = [
    "dev",
    ...(options.script ? [options.script] : []),
    "--config",
    options.config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--inspector-port",
    String(options.inspectorPort),
    "--persist-to",
    options.persistTo,
    "--log-level",
    "error",
    "--show-interactive-dev-session=false",
    ...(options.extraArgs ?? []),
  ];
  const log = openSync(options.logFile, "a");
  const child = spawn("wrangler", args, { cwd: ROOT, detached: true, stdio: ["ignore", log, log] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${options.port}`;

  await untilServing(child, url, options.logFile, READY_TIMEOUT_MS);

  return {
    url,
    d1,
    cpuSeconds: () => groupCpuSeconds(child.pid!),
    async stop() {
      signalGroup(child, "SIGTERM");
      const killed = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(killed);
      running.delete(child);
    },
  };
}
