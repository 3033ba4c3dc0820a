// npm run crashtest [-- --sends N --concurrency C --wait S --port P]
//
// Does a crash strand or duplicate a message? Starts the Worker with `wrangler
// dev` on loopback with its own state in a temporary directory, its crons run
// every minute as in production (scripts/development/local-cron.ts), and creates N test-mode
// messages at concurrency C, each with its own Idempotency-Key; a client
// retries on the same key after a connection error, a 409, a 429 or a 5xx.
// The server's whole process group is killed with SIGKILL twice: once a third
// of the creates are accepted, and again as soon as the last is (deliveries in
// flight), and each time restarted on the same state. Then it waits until
// every accepted message is final and checks, from the API: every key got a
// message, one message per key, every message final, each handed to its
// provider exactly once (its event log's accepted hand-offs). Prints the
// figures; exits 1 on any violation.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { createKey, setLimits } from "../lib/accounts.ts";
import { applyMigrations } from "../lib/apply-migrations.ts";
import { FINAL, handOffs, sleep, storedMessages } from "../lib/local-api.ts";
import { keyedCreate, newCounts, tally } from "./crash-client.ts";
import { CrashableWorker } from "./crash-server.ts";
import { runCronsEveryMinute } from "./local-cron.ts";

const { values: options } = parseArgs({
  options: {
    sends: { type: "string", default: "300" },
    concurrency: { type: "string", default: "16" },
    wait: { type: "string", default: "240" },
    port: { type: "string", default: "8807" },
    "inspector-port": { type: "string", default: "8817" },
  },
});
const SENDS = Number(options.sends);
const CONCURRENCY = Number(options.concurrency);
const WAIT_SECONDS = Number(options.wait);
/** A client gives a create this long, retrying, before it gives up on its key. */
const CLIENT_PATIENCE_MS = 180_000;
const ORIGIN = `http://127.0.0.1:${options.port}`;
const RECIPIENTS = [
  { channel: "SMS", to: "+14155550123", content: { text: "Crash test" } },
  { channel: "WHATSAPP", to: "+919876543210", content: { text: "Crash test" } },
  { channel: "EMAIL", to: "ana@example.com", content: { subject: "Crash test", text: "Hello" } },
];

const stateDir = mkdtempSync(join(tmpdir(), "omniflow-crashtest-"));
const pool = new Pool(ORIGIN, { connections: CONCURRENCY, pipelining: 1 });
const counts = newCounts();
const server = new CrashableWorker(stateDir, options.port, options["inspector-port"], pool);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** Every key's create; the ids each key was answered with (one, unless a key got two messages). */
async function sendAll(apiKey: string): Promise<Map<string, Set<string>>> {
  const runId = Date.now().toString(36);
  const answers = new Map<string, Set<string>>();
  let next = 0;
  let accepted = 0;
  let crashing: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SENDS) {
        const index = next++;
        const key = `crash-${runId}-${index}`;
        const body = JSON.stringify(RECIPIENTS[index % RECIPIENTS.length]);
        const ids = new Set<string>();
        answers.set(key, ids);
        // The first answer, then the same key once more: a replay must name the same message.
        for (let round = 0; round < 2; round++) {
          const id = await keyedCreate(pool, apiKey, key, body, counts, CLIENT_PATIENCE_MS);
          if (id) ids.add(id);
        }
        if (++accepted === Math.floor(SENDS / 3)) crashing = server.crash(`during accepts (${accepted} of ${SENDS} keys answered)`);
      }
    }),
  );
  await crashing;
  return answers;
}

async function waitForFinal(apiKey: string, accepted: Set<string>): Promise<{ stored: Map<string, string>; seconds: number }> {
  const started = performance.now();
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  for (let round = 0; ; round++) {
    const stored = await storedMessages(pool, apiKey);
    const pending = [...accepted].filter((id) => !FINAL.has(stored.get(id) ?? "")).length;
    if (pending === 0 || Date.now() > deadline) return { stored, seconds: (performance.now() - started) / 1000 };
    if (round % 5 === 0) console.log(`  waiting for final statuses: ${pending} of ${accepted.size} not final yet`);
    await sleep(2000);
  }
}

async function main(): Promise<boolean> {
  console.log(`  Local state in ${stateDir}`);
  const target = { remote: false, persistTo: stateDir };
  applyMigrations(target, { quiet: true });
  const { key } = await createKey(target, "crashtest", "test");
  await setLimits(target, "crashtest", { rps: 10_000 });
  await server.start();
  const stopCrons = runCronsEveryMinute(ORIGIN);
  try {
    console.log(`  Worker up at ${ORIGIN}; ${SENDS} creates, ${CONCURRENCY} at a time`);
    const sendStarted = performance.now();
    const answers = await sendAll(key);
    const sendSeconds = (performance.now() - sendStarted) / 1000;
    const accepted = new Set([...answers.values()].flatMap((ids) => [...ids]));
    const atSecondKill = await storedMessages(pool, key);
    const inFlight = [...accepted].filter((id) => !FINAL.has(atSecondKill.get(id) ?? "")).length;
    await server.crash(`during deliveries (${inFlight} of ${accepted.size} messages not final)`);
    const { stored, seconds } = await waitForFinal(key, accepted);
    const handed = await handOffs(
      pool,
      key,
      [...accepted].filter((id) => stored.has(id)),
      CONCURRENCY,
    );

    const unanswered = [...answers.values()].filter((ids) => ids.size === 0).length;
    const twoMessages = [...answers.values()].filter((ids) => ids.size > 1).length;
    const neverAnswered = [...stored.keys()].filter((id) => !accepted.has(id)).length;
    const lost = [...accepted].filter((id) => !stored.has(id)).length;
    const notFinal = [...accepted].filter((id) => stored.has(id) && !FINAL.has(stored.get(id)!)).length;
    const notOnce = [...handed.values()].filter((n) => n !== 1).length;
    console.log(`
  Keys (one Idempotency-Key per message)   ${answers.size}, each sent until answered, then once more
  HTTP attempts                            ${counts.attempts} in ${sendSeconds.toFixed(1)} s; ${tally([...counts.byStatus].flatMap(([s, n]) => Array(n).fill(s)))}; connection errors: ${counts.connectionErrors}
  kill -9 and restart                      ${server.kills.map((kill) => `${kill.at}: back in ${kill.restartSeconds.toFixed(1)} s`).join("; ")}
  Accepted messages                        ${accepted.size} (keys without an answer: ${unanswered})
  Keys answered with two messages          ${twoMessages}; stored but never answered: ${neverAnswered}; lost: ${lost}
  Final                                    ${accepted.size - notFinal - lost} of ${accepted.size}, ${seconds.toFixed(1)} s after the last restart (${tally([...accepted].map((id) => stored.get(id) ?? "missing"))})
  Provider hand-offs per message           ${tally([...handed.values()].map((n) => `${n}x`))}
`);
    return unanswered + twoMessages + neverAnswered + lost + notFinal + notOnce === 0;
  } finally {
    stopCrons();
    await server.stop();
    await pool.close();
  }
}

let passed = false;
try {
  passed = await main();
  console.log(passed ? "  crashtest passed" : "  crashtest FAILED");
} catch (error) {
  console.error(`crashtest: ${(error as Error).message}`);
  try {
    console.error(readFileSync(join(stateDir, "wrangler.log"), "utf8").split("\n").slice(-30).join("\n"));
  } catch {
    // no log yet
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
process.exitCode = passed ? 0 : 1;
