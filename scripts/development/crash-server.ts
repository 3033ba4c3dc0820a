// The server side of the crash tests (scripts/development/crashtest.ts, crashtest-move.ts): `wrangler dev`
// on its own state, killed with SIGKILL (its whole process group: wrangler and
// its workerd runtimes) and restarted on the same state.
import type { ChildProcess } from "node:child_process";
import type { Pool } from "undici";
import { signalGroup, sleep, startWorker, waitForHealth } from "../lib/local-api.ts";

export class CrashableWorker {
  private worker: ChildProcess | undefined;
  /** Each kill: when, and how long the restart took. */
  readonly kills: { at: string; restartSeconds: number }[] = [];

  private readonly stateDir: string;
  private readonly port: string;
  private readonly inspectorPort: string;
  private readonly pool: Pool;

  constructor(stateDir: string, port: string, inspectorPort: string, pool: Pool) {
    this.stateDir = stateDir;
    this.port = port;
    this.inspectorPort = inspectorPort;
    this.pool = pool;
    // Interrupted half way, the script must not leave a server behind.
    process.on("exit", () => this.worker && signalGroup(this.worker, "SIGKILL"));
  }

  async start(): Promise<void> {
    this.worker = startWorker(this.stateDir, this.port, this.inspectorPort);
    await waitForHealth(this.pool, 90);
  }

  /** kill -9 of the server's process group, then a restart on the same state. */
  async crash(at: string): Promise<void> {
    const worker = this.worker!;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    signalGroup(worker, "SIGKILL");
    await exited;
    const started = performance.now();
    await this.start();
    this.kills.push({ at, restartSeconds: (performance.now() - started) / 1000 });
    console.log(`  killed -9 ${at}; serving again after ${this.kills.at(-1)!.restartSeconds.toFixed(1)} s`);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    signalGroup(worker, "SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
  }
}
