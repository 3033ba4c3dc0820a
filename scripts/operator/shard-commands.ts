// `npm run shards`: the operator's view and changes of the message databases
// (docs/operations.md, "Moving an account"). A move is only recorded here: the Worker's
// every-minute maintenance carries it out (src/services/shard-move.ts), so it
// runs in bounded, resumable steps next to the traffic, locally as deployed.
import { addProblem, moveProblem, type Placement, placementOf, withShard } from "../../src/domain/placement.ts";
import { type D1Target, executeSql, quote } from "../lib/d1.ts";

export const USAGE = `usage:
  npm run shards -- list [--remote]
      the shard map (shard, open, size, accounts homed) and the moves in progress
  npm run shards -- move --account NAME --to N [--from M] [--remote]
      moves the account's messages held on M (default: its home) to shard N; the
      Worker's every-minute maintenance carries it out, follow it with 'list'
  npm run shards -- add --account NAME --shard N [--remote]
      spreads the account's new messages over one more shard (its list reads it too)
  npm run shards -- close N [--remote]     shard N takes no new accounts
  npm run shards -- open N [--remote]      shard N takes new accounts again`;

export type ShardsCommand =
  | { command: "list"; remote: boolean }
  | { command: "move"; account: string; to: number; from?: number; remote: boolean }
  | { command: "add"; account: string; shard: number; remote: boolean }
  | { command: "close" | "open"; shard: number; remote: boolean };

function shardNumber(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d{1,5}$/.test(value)) throw new Error(`${name} must be a shard number (0, 1, ...), got ${value ?? "nothing"}`);
  return Number(value);
}

/** The options as node:util parseArgs reads them (in scripts/operator/shards.ts: workerd, where the tests run, has no parseArgs). */
export interface ShardsArguments {
  values: { account?: string; to?: string; from?: string; shard?: string; remote?: boolean };
  positionals: string[];
}

/** The command the arguments ask for; throws with the reason (the caller prints USAGE) when they ask for none. */
export function shardsCommand({ values, positionals }: ShardsArguments): ShardsCommand {
  const [command, argument, extra] = positionals;
  const remote = values.remote ?? false;
  if (extra !== undefined) throw new Error(`unexpected argument '${extra}'`);
  const account = () => {
    if (!values.account) throw new Error(`${command} needs --account NAME`);
    return values.account;
  };
  switch (command) {
    case "list":
      return { command, remote };
    case "move": {
      const from = values.from === undefined ? {} : { from: shardNumber("--from", values.from) };
      return { command, account: account(), to: shardNumber("--to", values.to), ...from, remote };
    }
    case "add":
      return { command, account: account(), shard: shardNumber("--shard", values.shard), remote };
    case "close":
    case "open":
      return { command, shard: shardNumber(command, argument), remote };
    default:
      throw new Error(command === undefined ? "no command given" : `unknown command '${command}'`);
  }
}

/** The shards in the map (registered for every MESSAGES_DB_N binding when migrations are applied). */
function mappedShards(target: D1Target): number[] {
  return (executeSql(target, "SELECT shard FROM message_shards ORDER BY shard")[0] as { shard: number }[]).map(({ shard }) => shard);
}

function accountPlacement(target: D1Target, name: string): { id: string; placement: Placement } {
  const [row] = executeSql(target, `SELECT id, placement FROM accounts WHERE name = ${quote(name)}`)[0] as { id: string; placement: string | null }[];
  if (!row) throw new Error(`no account named '${name}'`);
  return { id: row.id, placement: placementOf({ placement: row.placement === null ? null : (JSON.parse(row.placement) as Placement) }) };
}

function moveInProgress(target: D1Target, accountId: string): boolean {
  const sql = `SELECT id FROM shard_moves WHERE account_id = ${quote(accountId)} AND phase NOT IN ('done', 'failed')`;
  return executeSql(target, sql)[0]!.length > 0;
}

/** Records the move; returns its id. */
export function recordMove(target: D1Target, name: string, to: number, from?: number): { id: number; from: number } {
  const { id, placement } = accountPlacement(target, name);
  const source = from ?? placement.home;
  const problem = moveProblem(placement, source, to, mappedShards(target)) ?? (moveInProgress(target, id) ? "a move is in progress" : null);
  if (problem) throw new Error(`cannot move '${name}' from shard ${source} to ${to}: ${problem}`);
  const now = Math.floor(Date.now() / 1000);
  const insert = `INSERT INTO shard_moves (account_id, from_shard, to_shard, phase_started_at, requested_at) VALUES (${quote(id)}, ${source}, ${to}, ${now}, ${now}) RETURNING id`;
  const [row] = executeSql(target, insert)[0] as { id: number }[];
  return { id: row!.id, from: source };
}

/** Gives the account one more write (and read) shard; returns its placement now. */
export function addShard(target: D1Target, name: string, shard: number): Placement {
  const { id, placement } = accountPlacement(target, name);
  const problem = addProblem(placement, shard, mappedShards(target)) ?? (moveInProgress(target, id) ? "a move is in progress" : null);
  if (problem) throw new Error(`cannot add shard ${shard} to '${name}': ${problem}`);
  const added = withShard(placement, shard);
  executeSql(target, `UPDATE accounts SET placement = ${quote(JSON.stringify(added))} WHERE id = ${quote(id)}`);
  return added;
}

export function setShardOpen(target: D1Target, shard: number, open: boolean): void {
  const [updated] = executeSql(target, `UPDATE message_shards SET open = ${open ? 1 : 0} WHERE shard = ${shard} RETURNING shard`);
  if (updated!.length === 0) throw new Error(`shard ${shard} is not in the shard map (${mappedShards(target).join(", ")})`);
}

/** The map and the moves, as printed lines. */
export function shardReport(target: D1Target): string[] {
  const [shards, moves] = executeSql(
    target,
    `SELECT s.shard, s.open, s.size_bytes, (SELECT count(*) FROM accounts a WHERE coalesce(json_extract(a.placement, '$.home'), 0) = s.shard) AS homed
       FROM message_shards s ORDER BY s.shard;
     SELECT m.id, a.name, m.from_shard, m.to_shard, m.phase, m.pass, m.cursor, m.error, m.requested_at
       FROM shard_moves m JOIN accounts a ON a.id = m.account_id
       WHERE m.phase NOT IN ('done', 'failed') OR m.requested_at > unixepoch() - 86400 ORDER BY m.id`,
  ) as [{ shard: number; open: number; size_bytes: number; homed: number }[], Record<string, string | number | null>[]];
  const lines = ["shard  open  size        accounts homed"];
  for (const row of shards) {
    lines.push(`${String(row.shard).padEnd(7)}${(row.open ? "yes" : "no").padEnd(6)}${`${(row.size_bytes / 1e6).toFixed(1)} MB`.padEnd(12)}${row.homed}`);
  }
  lines.push("", moves.length === 0 ? "no moves in progress or in the last day" : "moves (in progress, and those of the last day):");
  for (const move of moves) {
    const detail = move.phase === "failed" ? `: ${move.error}` : move.phase === "verifying" ? ` (pass ${move.pass})` : "";
    lines.push(`#${move.id}  ${move.name}  shard ${move.from_shard} -> ${move.to_shard}  ${move.phase}${detail}${move.cursor ? `  at ${move.cursor}` : ""}`);
  }
  return lines;
}
