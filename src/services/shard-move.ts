// Moving an account's messages from one message database to another
// (`npm run shards -- move`, docs/operations.md "Moving an account"). The script only
// records the request (a shard_moves row); the every-minute maintenance
// checks it at its start and carries it out here, one bounded step at a
// time, each phase persisted with its cursor, and every step safe to repeat:
// a crash between a step's write and its record only makes the next run do
// the step again.
import { findAccount } from "../db/accounts.ts";
import { activeMoves, findMove, leaseMove, releaseMove, type ShardMove, type ShardMoveChange, saveStep, setPlacement } from "../db/shard-moves.ts";
import { messageShards } from "../db/shards.ts";
import { unixSeconds } from "../domain/ids.ts";
import { flippedMove, moveProblem, placementOf, shardsHeldOn, startedMove } from "../domain/placement.ts";
import { logger } from "../log.ts";
import type { Control } from "./control.ts";
import {
  carryArchivedUsageStep,
  copyKeysClaimedSinceStep,
  copyKeysStep,
  copyMessagesStep,
  copyVerificationsStep,
  deleteStep,
  sealKeysStep,
  settleKeysStep,
  verifyStep,
} from "./shard-copy.ts";

export interface MoveOptions {
  /**
   * Seconds between a placement change and the next phase: longer than any
   * request or projection batch runs, so that none still uses the old
   * placement (the account's gate is told at once, and reloads within 10 s
   * if it could not be told).
   */
  graceSeconds: number;
  /** Rows per batch (one read and one batched write per step). */
  batchSize: number;
}

const DEFAULTS: MoveOptions = { graceSeconds: 60, batchSize: 100 };

/**
 * Verify passes before the flip when every pass keeps finding rows to repair
 * (keyed creates on the source's home, retention deleting there): the flip's
 * second copy and the grace cover what the last pass could not settle.
 */
const MAX_VERIFY_PASSES = 3;

/**
 * How long before the key copy began the sealing step looks for keys claimed
 * since: a claim whose request was still running while the copy read it (a
 * request holds a claim for at most IDEMPOTENCY.lockSeconds, 60 s) may have
 * completed since, and the clocks of the Worker that claimed and of the one
 * that moves may differ a little.
 */
const CLAIMED_SINCE_MARGIN_SECONDS = 120;

/** Where the copy's cursor turns from the messages' ids (msg_…) to the verifications' (vrf_…, every one after it). */
const VERIFICATIONS_FROM = "vrf_";

/** Where a step leaves the move: changed (and what it is now), or waiting for its grace to pass. */
export type StepOutcome = { move: ShardMove; waiting: boolean };

/** Carries the move one bounded step further. */
export async function advanceMove(env: Env, control: Control, move: ShardMove, nowMs: number, options: Partial<MoveOptions> = {}): Promise<StepOutcome> {
  const { graceSeconds, batchSize } = { ...DEFAULTS, ...options };
  const { db } = control;
  const now = unixSeconds(nowMs);
  const save = async (change: ShardMoveChange): Promise<StepOutcome> => {
    const saved = await saveStep(db, move, change);
    // Another run took the move further meanwhile: this one stops, and reads it afresh next time.
    return saved ? { move: saved, waiting: false } : { move: (await findMove(db, move.id)) ?? move, waiting: true };
  };
  const next = (phase: ShardMove["phase"], change: ShardMoveChange = {}) => save({ phase, cursor: null, phaseStartedAt: now, ...change });
  const graceOver = now - move.phaseStartedAt >= graceSeconds;
  const bornOn = move.bornOn ?? [move.fromShard];
  const shards = { from: move.fromShard, to: move.toShard, bornOn, accountId: move.accountId };

  switch (move.phase) {
    case "requested":
      return start(env, control, move, now, save);
    case "started":
    case "flipped":
      if (!graceOver) return { move, waiting: true };
      return next(move.phase === "started" ? "copying" : "recopying");
    case "copying":
    case "recopying": {
      // One cursor over both tables: the messages' ids (msg_…) first, then the verifications' (vrf_…, all after VERIFICATIONS_FROM).
      if (!move.cursor?.startsWith(VERIFICATIONS_FROM)) {
        const cursor = await copyMessagesStep(env, shards, move.cursor, batchSize);
        return save({ cursor: cursor ?? VERIFICATIONS_FROM });
      }
      const cursor = await copyVerificationsStep(env, shards, move.cursor, batchSize);
      if (cursor !== null) return save({ cursor });
      // Before the flip, and again after it: the target reads these figures from the flip on.
      await carryArchivedUsageStep(env, shards);
      return move.phase === "copying" ? next("verifying", { pass: 1, repaired: 0 }) : next("recopying_keys");
    }
    case "verifying": {
      const { cursor, repaired } = await verifyStep(env, shards, move.cursor, batchSize);
      const total = move.repaired + repaired;
      if (cursor !== null) return save({ cursor, repaired: total });
      if (total > 0 && move.pass < MAX_VERIFY_PASSES) return save({ cursor: null, pass: move.pass + 1, repaired: 0 });
      return next("copying_keys");
    }
    case "copying_keys": {
      const cursor = await copyKeysStep(env, shards, move.cursor, batchSize);
      if (cursor !== null) return save({ cursor });
      // Claims at the source stop here; phase_started_at stays the copy's start, from which sealing_keys copies what was claimed since.
      await sealKeysStep(env, shards, now);
      return save({ phase: "sealing_keys", cursor: null });
    }
    case "sealing_keys": {
      const since = move.phaseStartedAt - CLAIMED_SINCE_MARGIN_SECONDS;
      const cursor = await copyKeysClaimedSinceStep(env, shards, since, move.cursor, batchSize);
      if (cursor !== null) return save({ cursor });
      return flip(control, move, now, save);
    }
    case "recopying_keys": {
      const cursor = await settleKeysStep(env, shards, move.cursor, batchSize);
      if (cursor !== null) return save({ cursor });
      return next("deleting");
    }
    case "deleting": {
      const finished = await deleteStep(env, shards, batchSize);
      return finished ? next("done", { finishedAt: now }) : { move, waiting: false };
    }
    default:
      return { move, waiting: true };
  }
}

type Save = (change: ShardMoveChange) => Promise<StepOutcome>;

/** Phase a: new messages go to the target, changes to the source's messages are written to both. */
async function start(env: Env, control: Control, move: ShardMove, now: number, save: Save): Promise<StepOutcome> {
  const { db } = control;
  const account = await findAccount(db, move.accountId);
  const placement = account ? placementOf(account) : null;
  const resumed = placement?.moving?.from === move.fromShard && placement.moving.to === move.toShard;
  const problem = !placement ? "the account no longer exists" : resumed ? null : moveProblem(placement, move.fromShard, move.toShard, messageShards(env));
  if (problem || !placement) {
    logger.warn("shard_move_refused", { move_id: move.id, account_id: move.accountId, reason: problem });
    return save({ phase: "failed", error: problem, finishedAt: now });
  }
  const bornOn = shardsHeldOn(placement, move.fromShard);
  await setPlacement(db, move.accountId, startedMove(placement, move.fromShard, move.toShard));
  await control.tellGate(move.accountId, { account: true });
  return save({ phase: "started", bornOn, phaseStartedAt: now });
}

/** Phase d: the source's messages are now read at the target, and the home with them. */
async function flip(control: Control, move: ShardMove, now: number, save: Save): Promise<StepOutcome> {
  const { db } = control;
  const account = await findAccount(db, move.accountId);
  if (account) await setPlacement(db, move.accountId, flippedMove(placementOf(account), move.fromShard, move.toShard));
  await control.tellGate(move.accountId, { account: true });
  return save({ phase: "flipped", cursor: null, phaseStartedAt: now });
}

// A run stops stepping a move after this long, well inside the minute between runs.
const RUN_BUDGET_MS = 20_000;
const LEASE_SECONDS = 50;

/** The maintenance's part: every move in progress advanced as far as one run allows. */
export async function advanceShardMoves(env: Env, control: Control, nowMs: number, options: Partial<MoveOptions> = {}): Promise<number> {
  const { db } = control;
  const started = Date.now();
  let steps = 0;
  const failures: unknown[] = [];
  for (const candidate of await activeMoves(db)) {
    const leaseUntil = unixSeconds(nowMs) + LEASE_SECONDS;
    let move = await leaseMove(db, candidate.id, unixSeconds(nowMs), leaseUntil);
    try {
      // A sealed move is carried to its flip in the same run, past the budget if need be (a bounded number of
      // steps: the keys claimed during the key copy), so new keys wait out the seal for steps, not for the next run.
      while (move && move.phase !== "done" && move.phase !== "failed" && (Date.now() - started < RUN_BUDGET_MS || move.phase === "sealing_keys")) {
        const outcome = await advanceMove(env, control, move, nowMs + (Date.now() - started), options);
        steps++;
        if (outcome.waiting) break;
        move = outcome.move;
      }
      await releaseMove(db, candidate.id, leaseUntil);
    } catch (error) {
      // The lease runs out and a later run repeats the step; the other moves go on meanwhile.
      logger.error("shard_move_step_failed", { move_id: candidate.id, account_id: candidate.accountId, phase: move?.phase, error });
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "shard move steps failed");
  return steps;
}
