// The Worker under `wrangler dev` with a state directory of its own, a
// test-mode account and a Console sign-in link: what the browser tests and
// `npm run screenshots` drive. stop() ends its process group.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { consoleLink, createKey } from "../lib/accounts.ts";
import { applyMigrations } from "../lib/apply-migrations.ts";
import type { D1Target } from "../lib/d1.ts";
import { signalGroup, untilServing } from "../lib/local-api.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const READY_TIMEOUT_MS = 90_000;

export interface LocalConsole {
  url: string;
  key: string;
  /** A fresh one-time sign-in link for the account's user. */
  signInLink(): Promise<string>;
  logFile: string;
  stop(): Promise<void>;
}

export async function startLocalConsole(port: number, account = "console-e2e"): Promise<LocalConsole> {
  const state = mkdtempSync(path.join(tmpdir(), "omniflow-console-"));
  const d1: D1Target = { remote: false, persistTo: state };
  applyMigrations(d1, { quiet: true });
  const { key } = await createKey(d1, account, "test");
  const logFile = path.join(state, "wrangler.log");
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(port + 1), "--persist-to", state];
  const child = spawn("wrangler", [...args, "--show-interactive-dev-session=false"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.once("exit", () => signalGroup(child, "SIGKILL"));
  const url = `http://127.0.0.1:${port}`;
  await untilServing(child, url, logFile, READY_TIMEOUT_MS);
  return {
    url,
    key,
    logFile,
    signInLink: () => consoleLink(d1, account, `${account}@example.com`, url),
    async stop() {
      signalGroup(child, "SIGTERM");
      const killed = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(killed);
      rmSync(state, { recursive: true, force: true });
    },
  };
}
