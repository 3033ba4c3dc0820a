// What the load test and the crash test share: the Worker under `wrangler dev`
// on loopback with its own state directory, in a process group of its own (so
// it can be stopped, or killed, whole), and the API reads they check it with.
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";
import type { Pool } from "undici";

export const FINAL = new Set(["delivered", "read", "undelivered", "failed"]);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `wrangler dev` serving `stateDir` (its log in stateDir/wrangler.log), as the leader of a new process group. */
export function startWorker(stateDir: string, port: string, inspectorPort: string): ChildProcess {
  const log = openSync(join(stateDir, "wrangler.log"), "a");
  return spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", port, "--inspector-port", inspectorPort, "--persist-to", stateDir, "--log-level", "warn"], {
    stdio: ["ignore", log, log],
    detached: true,
    env: { ...process.env, CI: "true" },
  });
}

/** Sends `signal` to the worker's whole process group (wrangler and its workerd runtimes). */
export function signalGroup(worker: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-worker.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** Waits until the wrangler dev process answers GET /healthz; stops it and throws if it exits or takes longer than `timeoutMs`. */
export async function untilServing(child: ChildProcess, url: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (${child.exitCode}); see ${logFile}`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      signalGroup(child, "SIGKILL");
      throw new Error(`wrangler dev did not answer within ${timeoutMs / 1000} s; see ${logFile}`);
    }
    await sleep(250);
  }
}

/** One POST /v1/messages under an Idempotency-Key, as a client sends it; null when the connection failed. */
export async function postMessage(
  pool: Pool,
  apiKey: string,
  idempotencyKey: string,
  body: string,
): Promise<{ status: number; text: string; retryAfter: string | undefined } | null> {
  try {
    const res = await pool.request({
      path: "/v1/messages",
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "idempotency-key": idempotencyKey },
      body,
    });
    return { status: res.statusCode, text: await res.body.text(), retryAfter: res.headers["retry-after"] as string | undefined };
  } catch {
    return null;
  }
}

export async function waitForHealth(pool: Pool, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const res = await pool.request({ path: "/healthz", method: "GET" });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the Worker did not answer /healthz within ${seconds} s`);
}

/** Every message GET /v1/messages lists for the account, walking forward, each as often as it was listed. */
export async function listedMessages(pool: Pool, apiKey: string): Promise<{ id: string; status: string }[]> {
  const listed: { id: string; status: string }[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `limit=100&cursor=${cursor}` : "limit=100";
    const res = await pool.request({ path: `/v1/messages?${query}`, method: "GET", headers: { authorization: `Bearer ${apiKey}` } });
    if (res.statusCode !== 200) throw new Error(`listing messages answered ${res.statusCode}: ${await res.body.text()}`);
    const page = (await res.body.json()) as { data: { id: string; status: string }[]; next_cursor: string | null };
    listed.push(...page.data.map(({ id, status }) => ({ id, status })));
    cursor = page.next_cursor;
  } while (cursor);
  return listed;
}

/** Every message of the account: id -> status. */
export async function storedMessages(pool: Pool, apiKey: string): Promise<Map<string, string>> {
  return new Map((await listedMessages(pool, apiKey)).map(({ id, status }) => [id, status]));
}

export interface EventLogView {
  /** Hand-offs a provider accepted. */
  handOffs: number;
  /** The status its object last changed to (what its D1 row should show). */
  status: string | undefined;
}

/** Each message's event log, as its object keeps it (`concurrency` reads at a time). */
export async function eventLogs(pool: Pool, apiKey: string, ids: string[], concurrency: number): Promise<Map<string, EventLogView>> {
  const views = new Map<string, EventLogView>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const res = await pool.request({ path: `/v1/messages/${id}/events`, method: "GET", headers: { authorization: `Bearer ${apiKey}` } });
        if (res.statusCode !== 200) throw new Error(`the events of ${id} answered ${res.statusCode}: ${await res.body.text()}`);
        const events = (await res.body.json()) as { data: { type: string; data: { outcome?: string; status?: string } }[] };
        const handOffs = events.data.filter((event) => event.type === "provider.attempt" && event.data.outcome === "accepted").length;
        const status = events.data.filter((event) => event.type === "status.changed").at(-1)?.data.status;
        views.set(id, { handOffs, status });
      }
    }),
  );
  return views;
}

/** Message id -> how many times a provider accepted it, from its event log (`concurrency` reads at a time). */
export async function handOffs(pool: Pool, apiKey: string, ids: string[], concurrency: number): Promise<Map<string, number>> {
  const logs = await eventLogs(pool, apiKey, ids, concurrency);
  return new Map([...logs].map(([id, log]) => [id, log.handOffs]));
}
