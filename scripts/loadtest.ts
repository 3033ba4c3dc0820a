// npm run loadtest [-- --sends N --concurrency C --retry-share F --rps N --wait S --port P]
//
// Starts the Worker with `wrangler dev` on loopback, with its own local state
// in a temporary directory, creates a test-mode key there, and sends N message
// creates at concurrency C. Each send has its own Idempotency-Key; a share of
// them is retried the way clients do (two attempts at once, then one more
// after), and 409/429/5xx answers are retried with the same key. Then it
// polls the list until every accepted message has a final status, reads each
// message's event log to count its accepted provider hand-offs, and prints
// accepted / lost / duplicated / 5xx figures. Exits 1 unless every accepted
// message is final, none is lost or duplicated (two messages for one key, or
// one message handed to a provider twice), and there was no 5xx.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { createKey, setLimits } from "./accounts.ts";
import { FINAL, handOffs, postMessage, signalGroup, sleep, startWorker, storedMessages, waitForHealth } from "./local-api.ts";
import { applyMigrations } from "./migrations.ts";

const { values: options } = parseArgs({
  options: {
    sends: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "64" },
    "retry-share": { type: "string", default: "0.2" },
    rps: { type: "string", default: "10000" },
    wait: { type: "string", default: "120" },
    port: { type: "string", default: "8806" },
    "inspector-port": { type: "string", default: "8816" },
  },
});
const SENDS = Number(options.sends);
const CONCURRENCY = Number(options.concurrency);
const RETRY_SHARE = Number(options["retry-share"]);
const WAIT_SECONDS = Number(options.wait);
const SEND_PHASE_SECONDS = 300;
const MAX_TRIES = 30;
const ORIGIN = `http://127.0.0.1:${options.port}`;

// Recipients the sandbox delivers normally (no special outcome).
const RECIPIENTS = [
  { channel: "SMS", to: "+14155550123", content: { text: "Load test" } },
  { channel: "WHATSAPP", to: "+919876543210", content: { text: "Load test" } },
  { channel: "EMAIL", to: "ana@example.com", content: { subject: "Load test", text: "Hello" } },
];

interface Figures {
  attempts: number;
  byStatus: Map<number, number>;
  networkErrors: number;
  latenciesMs: number[];
}

const figures: Figures = { attempts: 0, byStatus: new Map(), networkErrors: 0, latenciesMs: [] };

type Attempt = { id: string } | { gaveUp: string };

/** One client attempt, retried with the same key on 409, 429, 5xx and network errors. */
async function create(pool: Pool, apiKey: string, idempotencyKey: string, body: string): Promise<Attempt> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const started = performance.now();
    const answer = await postMessage(pool, apiKey, idempotencyKey, body);
    if (!answer) {
      figures.networkErrors++;
      await sleep(100);
      continue;
    }
    const { status, text, retryAfter } = answer;
    figures.attempts++;
    figures.latenciesMs.push(performance.now() - started);
    figures.byStatus.set(status, (figures.byStatus.get(status) ?? 0) + 1);
    if (status === 201) return { id: (JSON.parse(text) as { id: string }).id };
    if (status === 409 || status === 429 || status >= 500) {
      await sleep(retryAfter ? Number(retryAfter) * 1000 : 50);
      continue;
    }
    return { gaveUp: `${status} ${text}` };
  }
  return { gaveUp: `no 201 after ${MAX_TRIES} tries` };
}

interface Send {
  key: string;
  ids: Set<string>;
  failures: string[];
}

/** One logical send: its attempts, with client-style retries for a share of them. */
async function send(pool: Pool, apiKey: string, index: number, runId: string): Promise<Send> {
  const recipient = RECIPIENTS[index % RECIPIENTS.length]!;
  const body = JSON.stringify(recipient);
  const key = `loadtest-${runId}-${index}`;
  const retried = index % Math.round(1 / RETRY_SHARE) === 0;
  const attempts = await Promise.all(Array.from({ length: retried ? 2 : 1 }, () => create(pool, apiKey, key, body)));
  if (retried) attempts.push(await create(pool, apiKey, key, body));
  const ids = new Set(attempts.flatMap((a) => ("id" in a ? [a.id] : [])));
  return { key, ids, failures: attempts.flatMap((a) => ("gaveUp" in a ? [a.gaveUp] : [])) };
}

async function sendAll(pool: Pool, apiKey: string): Promise<Send[]> {
  const runId = Date.now().toString(36);
  const results: Send[] = [];
  const deadline = Date.now() + SEND_PHASE_SECONDS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SENDS && Date.now() < deadline) results.push(await send(pool, apiKey, next++, runId));
    }),
  );
  return results;
}

async function waitForFinal(pool: Pool, apiKey: string, accepted: Set<string>): Promise<Map<string, string>> {
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  for (let round = 0; ; round++) {
    const stored = await storedMessages(pool, apiKey);
    const pending = [...accepted].filter((id) => !FINAL.has(stored.get(id) ?? "")).length;
    if (pending === 0 || Date.now() > deadline) return stored;
    if (round % 5 === 0) console.log(`  waiting for final statuses: ${pending} of ${accepted.size} not final yet`);
    await sleep(2000);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function report(sends: Send[], stored: Map<string, string>, accepts: Map<string, number>, seconds: number): boolean {
  const acceptedIds = new Set(sends.flatMap((s) => [...s.ids]));
  const accepted = sends.filter((s) => s.ids.size > 0).length;
  const splitKeys = sends.filter((s) => s.ids.size > 1).length;
  const unrequested = [...stored.keys()].filter((id) => !acceptedIds.has(id)).length;
  const sentTwice = [...accepts.values()].filter((count) => count > 1).length;
  const sentOnce = [...accepts.values()].filter((count) => count === 1).length;
  const lost = [...acceptedIds].filter((id) => !stored.has(id)).length;
  const notFinal = [...acceptedIds].filter((id) => stored.has(id) && !FINAL.has(stored.get(id)!));
  const serverErrors = [...figures.byStatus].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  const refused = sends.filter((s) => s.ids.size === 0);
  const statuses = new Map<string, number>();
  for (const id of acceptedIds) statuses.set(stored.get(id) ?? "missing", (statuses.get(stored.get(id) ?? "missing") ?? 0) + 1);
  const latencies = [...figures.latenciesMs].sort((a, b) => a - b);
  const byStatus = [...figures.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);

  console.log(`
  Sends (one Idempotency-Key each)  ${sends.length} of ${SENDS}, concurrency ${CONCURRENCY}, ${Math.round(RETRY_SHARE * 100)}% retried
  HTTP attempts                     ${figures.attempts} in ${seconds.toFixed(1)} s (${Math.round(figures.attempts / seconds)}/s); ${byStatus.join(", ")}; network errors: ${figures.networkErrors}
  Create latency                    p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms
  Accepted                          ${accepted}${refused.length > 0 ? ` (not accepted: ${refused.length}, e.g. ${refused[0]!.failures[0]})` : ""}
  Lost (accepted, not stored)       ${lost}
  Duplicated                        ${splitKeys + unrequested + sentTwice} (keys with two messages: ${splitKeys}; stored but never returned: ${unrequested}; handed to a provider twice: ${sentTwice})
  5xx                               ${serverErrors}
  Final status                      ${acceptedIds.size - notFinal.length - lost} of ${acceptedIds.size}; ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(", ")}
  Accepted by a provider once       ${sentOnce} of ${acceptedIds.size}
`);
  return lost === 0 && splitKeys + unrequested + sentTwice === 0 && serverErrors === 0 && refused.length === 0 && notFinal.length === 0;
}

async function main(): Promise<boolean> {
  const stateDir = mkdtempSync(join(tmpdir(), "omniflow-loadtest-"));
  const target = { remote: false, persistTo: stateDir };
  let worker: ChildProcess | undefined;
  const pool = new Pool(ORIGIN, { connections: CONCURRENCY, pipelining: 1 });
  try {
    console.log(`  Local state in ${stateDir}`);
    applyMigrations(target);
    const { key } = await createKey(target, "loadtest", "test");
    await setLimits(target, "loadtest", { rps: Number(options.rps) });
    worker = startWorker(stateDir, options.port, options["inspector-port"]);
    await waitForHealth(pool, 60);
    console.log(`  Worker up at ${ORIGIN}; sending ${SENDS} creates`);

    const started = performance.now();
    const sends = await sendAll(pool, key);
    const seconds = (performance.now() - started) / 1000;
    const accepted = new Set(sends.flatMap((s) => [...s.ids]));
    const stored = await waitForFinal(pool, key, accepted);
    const accepts = await handOffs(
      pool,
      key,
      [...accepted].filter((id) => stored.has(id)),
      CONCURRENCY,
    );
    return report(sends, stored, accepts, seconds);
  } catch (error) {
    console.error(`loadtest: ${(error as Error).message}`);
    try {
      console.error(readFileSync(join(stateDir, "wrangler.log"), "utf8").split("\n").slice(-30).join("\n"));
    } catch {
      // no log yet
    }
    return false;
  } finally {
    await pool.close();
    if (worker) signalGroup(worker, "SIGTERM");
    rmSync(stateDir, { recursive: true, force: true });
  }
}

process.exitCode = (await main()) ? 0 : 1;
