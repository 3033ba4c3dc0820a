// A shard move driven on a local `wrangler dev` (scripts/crashtest-move.ts):
// recorded as `npm run shards -- move` records it, carried out by the Worker's
// own maintenance runs (fired through Miniflare's scheduled endpoint, as
// scripts/local-cron.ts does each minute), its phase read from the local
// control database without blocking the client's requests meanwhile.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CONTROL, type D1Target, executeSql, quote, targetArgs } from "./d1.ts";
import { EVERY_MINUTE, fire } from "./local-cron.ts";
import { recordMove } from "./shard-commands.ts";

const execFileAsync = promisify(execFile);

/** Records a move of the account off its home shard onto the other of shards 0 and 1; the move's id and its shards. */
export function recordMoveOffHome(target: D1Target, account: string): { id: number; from: number; to: number } {
  const [row] = executeSql(target, `SELECT coalesce(json_extract(placement, '$.home'), 0) AS home FROM accounts WHERE name = ${quote(account)}`)[0] as {
    home: number;
  }[];
  const to = row!.home === 0 ? 1 : 0;
  const move = recordMove(target, account, to);
  return { id: move.id, from: move.from, to };
}

export interface MoveState {
  phase: string;
  /** Unix seconds. */
  phaseStartedAt: number;
}

/** The move's phase now, and since when. */
export async function moveState(target: D1Target, moveId: number): Promise<MoveState> {
  const command = `SELECT phase, phase_started_at FROM shard_moves WHERE id = ${moveId}`;
  const { stdout } = await execFileAsync("wrangler", ["d1", "execute", CONTROL, ...targetArgs(target), "--json", "--command", command]);
  const [statement] = JSON.parse(stdout) as { results: { phase: string; phase_started_at: number }[] }[];
  const row = statement!.results[0]!;
  return { phase: row.phase, phaseStartedAt: row.phase_started_at };
}

/** Starts one maintenance run now (as the every-minute cron does), without waiting for it. */
export function startMaintenance(origin: string): void {
  void fire(origin, EVERY_MINUTE, Date.now());
}
