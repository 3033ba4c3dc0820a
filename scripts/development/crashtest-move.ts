// npm run crashtest:move [-- --before N --rate R --concurrency C --wait S --port P]
//
// Does a crash during a shard move lose, double or hide a message? Starts the
// Worker with `wrangler dev` on loopback with its own state (as npm run
// crashtest does), creates N keyed test-mode messages, then records a move of
// the account to the other shard (`npm run shards -- move`) and lets the
// Worker's own maintenance carry it out, run every few seconds through the
// local scheduled endpoint while the move runs (and each minute throughout,
// as npm run dev runs it). Keyed creates go on throughout (R new keys a
// second; each key sent until answered, then again; an earlier key re-sent
// with every new one), retried after connection errors, 409s, 429s and 5xx.
// The server's whole process group is killed with SIGKILL twice, inside the
// maintenance run that copies (after the first grace) and inside the one that
// recopies and deletes (after the flip's grace), and each time restarted on
// the same state (the killed run's lease then holds the move for 50 s). When
// the move is done, every key is sent once more; then it waits until every
// message is final and checks from the API: every key answered with one
// message, each listed once and readable by id, none stored that no key was
// answered with, every one final and handed to its provider once, the move
// done. Prints the figures; exits 1 on any violation.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { createKey, setLimits } from "../lib/accounts.ts";
import { applyMigrations } from "../lib/apply-migrations.ts";
import { eventLogs, FINAL, listedMessages, sleep } from "../lib/local-api.ts";
import { keyedCreate, newCounts, readableById, tally } from "./crash-client.ts";
import { CrashableWorker } from "./crash-server.ts";
import { runCronsEveryMinute } from "./local-cron.ts";
import { type MoveState, moveState, recordMoveOffHome, startMaintenance } from "./move-driver.ts";

const { values: options } = parseArgs({
  options: {
    before: { type: "string", default: "150" },
    rate: { type: "string", default: "4" },
    concurrency: { type: "string", default: "8" },
    wait: { type: "string", default: "240" },
    port: { type: "string", default: "8808" },
    "inspector-port": { type: "string", default: "8818" },
  },
});
const BEFORE = Number(options.before);
const RATE = Number(options.rate);
const CONCURRENCY = Number(options.concurrency);
const WAIT_SECONDS = Number(options.wait);
const ORIGIN = `http://127.0.0.1:${options.port}`;
const CLIENT_PATIENCE_MS = 180_000;
/** How often the maintenance is started while the move runs (production: once a minute; a run that finds the move leased leaves it). */
const MAINTENANCE_EVERY_MS = 3_000;
const MOVE_DEADLINE_MS = 600_000;
/** The move's grace (src/services/shard-move.ts): the run after it does a phase's work, all of it within a second or two here. */
const GRACE_SECONDS = 60;
/** How far into that run the server is killed: inside the copy (after `started`) and inside the recopy or delete (after `flipped`). */
const KILL_AFTER_MS = 400;
const RECIPIENTS = [
  { channel: "SMS", to: "+14155550123", content: { text: "Crash during a move" } },
  { channel: "WHATSAPP", to: "+919876543210", content: { text: "Crash during a move" } },
  { channel: "EMAIL", to: "ana@example.com", content: { subject: "Crash during a move", text: "Hello" } },
];

const stateDir = mkdtempSync(join(tmpdir(), "omniflow-crashtest-move-"));
const pool = new Pool(ORIGIN, { connections: CONCURRENCY * 2, pipelining: 1 });
const server = new CrashableWorker(stateDir, options.port, options["inspector-port"], pool);
const counts = newCounts();
/** Key -> the ids it was answered with (one, unless it got two messages), and the phase it was first sent in. */
const answers = new Map<string, { ids: Set<string>; phase: string; body: string }>();
let phase = "before";
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

async function send(apiKey: string, key: string): Promise<void> {
  const entry = answers.get(key)!;
  const id = await keyedCreate(pool, apiKey, key, entry.body, counts, CLIENT_PATIENCE_MS);
  if (id) entry.ids.add(id);
}

/** A new key, sent until answered and then again; and an earlier key sent once more. */
async function newKey(apiKey: string, runId: string): Promise<void> {
  const index = answers.size;
  const key = `move-${runId}-${index}`;
  answers.set(key, { ids: new Set(), phase, body: JSON.stringify(RECIPIENTS[index % RECIPIENTS.length]) });
  await send(apiKey, key);
  await send(apiKey, key);
  const earlier = [...answers.keys()][Math.floor(Math.random() * index)];
  if (earlier) await send(apiKey, earlier);
}

/** The keys made before the move, C at a time. */
async function sendBefore(apiKey: string, runId: string): Promise<void> {
  let left = BEFORE;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await newKey(apiKey, runId);
    }),
  );
}

/** New keys at RATE a second over C clients until `done()`. */
async function sendDuring(apiKey: string, runId: string, done: () => boolean): Promise<void> {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!done()) {
        const started = Date.now();
        await newKey(apiKey, runId);
        await sleep(Math.max(0, (CONCURRENCY / RATE) * 1000 - (Date.now() - started)));
      }
    }),
  );
}

/**
 * Runs the maintenance until the move is done or failed. The run that ends
 * each grace (started, flipped) is the one that does that phase's work: it is
 * started on time and the server killed KILL_AFTER_MS into it. Seconds it took.
 */
async function driveMove(moveId: number): Promise<number> {
  const started = performance.now();
  const target = { remote: false, persistTo: stateDir };
  const killIn = new Set(["started", "flipped"]);
  const deadline = Date.now() + MOVE_DEADLINE_MS;
  let state: MoveState = { phase, phaseStartedAt: 0 };
  while (phase !== "done" && phase !== "failed" && Date.now() < deadline) {
    const graceLeftMs = (state.phaseStartedAt + GRACE_SECONDS + 1) * 1000 - Date.now();
    if (killIn.has(phase) && graceLeftMs < MAINTENANCE_EVERY_MS) {
      killIn.delete(phase);
      await sleep(Math.max(0, graceLeftMs));
      startMaintenance(ORIGIN);
      await sleep(KILL_AFTER_MS);
      await server.crash(`${KILL_AFTER_MS} ms into the maintenance run that ends the '${phase}' grace`);
      console.log(`  the move's record after the kill: ${(await moveState(target, moveId)).phase}`);
    } else {
      startMaintenance(ORIGIN);
      await sleep(MAINTENANCE_EVERY_MS);
    }
    state = await moveState(target, moveId);
    phase = state.phase;
  }
  return (performance.now() - started) / 1000;
}

async function waitForFinal(apiKey: string, accepted: Set<string>): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + WAIT_SECONDS * 1000;
  for (let round = 0; ; round++) {
    const listed = await listedMessages(pool, apiKey);
    const pending = listed.filter(({ id, status }) => accepted.has(id) && !FINAL.has(status)).length;
    if (pending === 0 || Date.now() > deadline) return (performance.now() - started) / 1000;
    if (round % 5 === 0) console.log(`  waiting for final statuses: ${pending} of ${accepted.size} not final yet`);
    await sleep(2000);
  }
}

async function main(): Promise<boolean> {
  console.log(`  Local state in ${stateDir}`);
  const target = { remote: false, persistTo: stateDir };
  applyMigrations(target, { quiet: true });
  const { key: apiKey } = await createKey(target, "crashmove", "test");
  await setLimits(target, "crashmove", { rps: 10_000 });
  await server.start();
  // The crons every minute, as npm run dev and the crash test run them (the reconciler, the convergence pass), throughout.
  const stopCrons = runCronsEveryMinute(ORIGIN);
  const runId = Date.now().toString(36);
  try {
    await sendBefore(apiKey, runId);
    const move = recordMoveOffHome(target, "crashmove");
    phase = "requested";
    console.log(`  ${answers.size} keys answered; move #${move.id} of the account from shard ${move.from} to ${move.to} recorded`);
    let moving = true;
    const during = sendDuring(apiKey, runId, () => !moving);
    const moveSeconds = await driveMove(move.id).finally(() => {
      moving = false;
    });
    await during;
    // After the move, every key once more: its replay must name the one message it made.
    let next = 0;
    const keys = [...answers.keys()];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < keys.length) await send(apiKey, keys[next++]!);
      }),
    );
    const accepted = new Set([...answers.values()].flatMap(({ ids }) => [...ids]));
    const finalSeconds = await waitForFinal(apiKey, accepted);

    const listed = await listedMessages(pool, apiKey);
    const listedOnce = new Set(listed.map(({ id }) => id));
    const status = new Map(listed.map(({ id, status }) => [id, status]));
    const readable = await readableById(pool, apiKey, [...accepted], CONCURRENCY);
    const logs = await eventLogs(
      pool,
      apiKey,
      [...accepted].filter((id) => listedOnce.has(id)),
      CONCURRENCY,
    );
    const notFinalIds = [...accepted].filter((id) => listedOnce.has(id) && !FINAL.has(status.get(id)!));
    const entries = [...answers.values()];
    const failures = {
      unanswered: entries.filter(({ ids }) => ids.size === 0).length,
      twoMessages: entries.filter(({ ids }) => ids.size > 1).length,
      listedTwice: listed.length - listedOnce.size,
      neverAnswered: [...listedOnce].filter((id) => !accepted.has(id)).length,
      lost: [...accepted].filter((id) => !listedOnce.has(id)).length,
      unreadable: accepted.size - readable,
      notFinal: notFinalIds.length,
      notOnce: [...logs.values()].filter(({ handOffs }) => handOffs !== 1).length,
      moveNotDone: phase === "done" ? 0 : 1,
    };
    console.log(`
  Keys                                     ${answers.size} (${tally(entries.map((entry) => entry.phase))} when first sent), each sent until answered, again, once more with a later key, and after the move
  HTTP attempts                            ${counts.attempts}; ${tally([...counts.byStatus].flatMap(([s, n]) => Array(n).fill(s)))}; connection errors: ${counts.connectionErrors}
  kill -9 and restart                      ${server.kills.map((kill) => `${kill.at}: back in ${kill.restartSeconds.toFixed(1)} s`).join("; ")}
  Move                                     ${phase} after ${moveSeconds.toFixed(1)} s
  Accepted messages                        ${accepted.size} (keys without an answer: ${failures.unanswered})
  Keys answered with two messages          ${failures.twoMessages}; stored but never answered: ${failures.neverAnswered}; lost: ${failures.lost}
  Listed                                   ${listed.length} rows, ${failures.listedTwice} listed twice; readable by id: ${readable} of ${accepted.size}
  Final                                    ${accepted.size - failures.notFinal - failures.lost} of ${accepted.size}, ${finalSeconds.toFixed(1)} s after the move (${tally([...accepted].map((id) => status.get(id) ?? "missing"))})
  Not final in D1                          ${notFinalIds.length}; their objects' event logs say: ${tally(notFinalIds.map((id) => logs.get(id)?.status ?? "no status change"))}
  Provider hand-offs per message           ${tally([...logs.values()].map(({ handOffs }) => `${handOffs}x`))}
`);
    return Object.values(failures).every((n) => n === 0);
  } finally {
    stopCrons();
    await server.stop();
    await pool.close();
  }
}

let passed = false;
try {
  passed = await main();
  console.log(passed ? "  crashtest:move passed" : "  crashtest:move FAILED");
} catch (error) {
  console.error(`crashtest:move: ${(error as Error).message}`);
  try {
    console.error(readFileSync(join(stateDir, "wrangler.log"), "utf8").split("\n").slice(-30).join("\n"));
  } catch {
    // no log yet
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
process.exitCode = passed ? 0 : 1;
