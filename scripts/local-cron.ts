// The Cron Triggers of a Worker served by `wrangler dev`, which fires none:
// at the start of every minute, as production does, each of wrangler.toml's
// crons is run through Miniflare's trigger endpoint (`/cdn-cgi/local/scheduled`:
// always on under `wrangler dev`, answered before the Worker, logged by
// nobody), so the every-minute maintenance runs locally too without a line of
// output per run.
import path from "node:path";
import { unstable_readConfig } from "wrangler";

const ROOT = path.resolve(import.meta.dirname, "..");
export const EVERY_MINUTE = "* * * * *";
const MINUTE_MS = 60_000;

/** wrangler.toml's crons; only every-minute ones, the only kind OmniFlow has and this driver knows. */
function configuredCrons(): string[] {
  const crons: string[] = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") }).triggers.crons ?? [];
  const other = crons.find((cron) => cron !== EVERY_MINUTE);
  if (other) throw new Error(`scripts/local-cron.ts runs every-minute crons only; wrangler.toml has '${other}'`);
  return crons;
}

/** One run of `cron` at `scheduledTime`, as the runtime would start it; a run that fails is reported on stderr. */
export async function fire(origin: string, cron: string, scheduledTime: number): Promise<void> {
  const query = new URLSearchParams({ cron, time: String(scheduledTime) });
  try {
    const response = await fetch(`${origin}/cdn-cgi/local/scheduled?${query}`);
    // The Worker's own error is in wrangler's output already; this says which run it was.
    if (!response.ok) console.error(`[local-cron] the '${cron}' run of ${new Date(scheduledTime).toISOString()} failed: ${await response.text()}`);
  } catch {
    // The server is starting, reloading or gone: this minute's run is skipped, as a missed cron would be.
  }
}

/** Runs the configured crons against `origin` at the start of every minute until the returned stop() is called. */
export function runCronsEveryMinute(origin: string): () => void {
  const crons = configuredCrons();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const next = Math.ceil((Date.now() + 1) / MINUTE_MS) * MINUTE_MS;
    timer = setTimeout(() => {
      for (const cron of crons) void fire(origin, cron, next);
      schedule();
    }, next - Date.now());
  };
  schedule();
  return () => clearTimeout(timer);
}
