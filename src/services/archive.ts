// The R2 archive: final messages older than the hot window (ARCHIVE_HOT_DAYS)
// move from the message databases to R2, per account, shard (the id's) and
// UTC day, in parts of at most PART_SIZE messages cut at id boundaries
// (<account>/<shard>/<day>/<part>.jsonl.gz), each part indexed by a row in the
// control database (src/db/archive-index.ts). A run takes steps, one part each
// (src/services/archive-step.ts), each under its account's lease, within one
// budget over every message database, then folds late changes with what is left.

import { loadConfig } from "../config.ts";
import { oldestArchivable } from "../db/archive.ts";
import type { Database } from "../db/client.ts";
import { retentionOverrides } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { messageDatabases } from "../db/shards.ts";
import { DAY_MS, dayAndShardOf, dayOfId, hotBoundaryId } from "../domain/archive.ts";
import { RETENTION_DAYS } from "../domain/retention.ts";
import { foldChanges } from "./archive-fold.ts";
import { underArchiveLease } from "./archive-lease.ts";
import { archiveStep, type PartBounds } from "./archive-step.ts";
import type { Control } from "./control.ts";

/** Messages per part, at most: a day of any size is as many parts, written over as many steps. */
const PART_SIZE = 5_000;
/**
 * Characters per part, at most (a step holds its rows a few times over: D1's answer, the JSON, its UTF-8 bytes,
 * and the read-back; about 2 bytes a character in memory): well inside a Worker's 128 MB. An SMS's row is about
 * 1,000 characters, so 5,000 of them fit; an email's may be 200,000 (its 100,000-character body as given and as
 * rendered), and then a part holds 20.
 */
const PART_CHARS = 4_000_000;
/** Steps (parts written) on one message database a run, at most: 50,000 messages a minute each. */
const STEPS_PER_DATABASE = 10;
/**
 * Steps (parts written or folded) a run, over every database: about 12 subrequests each (720, inside the 10,000 a
 * Workers Paid invocation allows beside the maintenance's other tasks), and up to a second each deployed, so a run
 * spending all of it ends about its minute's end (one running into the next is fenced by the accounts' leases).
 */
const RUN_STEPS = 60;
/** Of those, kept for folding late changes: the fold never starves behind a backlog of moves. */
const FOLD_STEPS = 20;

export interface ArchiveRun extends PartBounds {
  /** Steps on one message database. */
  stepsPerRun: number;
  /** Steps in all: moves on every database, then folds with what is left. */
  runSteps: number;
  /** Steps of `runSteps` kept for folds. */
  foldSteps: number;
}

/** What a run did: rows moved, parts folded, and accounts passed over because another run held their lease. */
export interface ArchiveRunReport {
  moved: number;
  folded: number;
  held: number;
}

/**
 * Moves parts of every message database to the archive, starting at a database that rotates each minute (so with
 * more databases than the budget serves none starves), at most `stepsPerRun` on one and `runSteps - foldSteps` in
 * all, then folds late changes into their parts with the rest of the budget. Each step takes the day of the oldest
 * final message below the hot boundary; an account under a shard move is left alone until the move ends, one whose
 * lease another run holds is passed over for this run, and a day that has begun to expire is left to retention
 * (which deletes rows below the same instant's cut-off, so the two never hold the same row).
 */
export async function archiveColdMessages(env: Env, control: Control, nowMs: number, run: Partial<ArchiveRun> = {}): Promise<ArchiveRunReport> {
  const { stepsPerRun, runSteps, foldSteps, ...part } = {
    partSize: PART_SIZE,
    partChars: PART_CHARS,
    stepsPerRun: STEPS_PER_DATABASE,
    runSteps: RUN_STEPS,
    foldSteps: FOLD_STEPS,
    ...run,
  };
  const started = Date.now();
  const clock = () => nowMs + (Date.now() - started);
  const boundary = hotBoundaryId(nowMs, loadConfig(env).archiveHotDays);
  const [moves, overrides] = await Promise.all([activeMoves(control.db), retentionOverrides(control.db)]);
  const retention = new Map(overrides.map((override) => [override.accountId, override.days]));
  const expiring = (accountId: string, id: string) =>
    Date.parse(`${dayOfId(id)}T00:00:00Z`) < nowMs - (retention.get(accountId) ?? RETENTION_DAYS.default) * DAY_MS;
  const skip = [...new Set(moves.map((move) => move.accountId))];
  const databases = messageDatabases(env);
  const first = Math.floor(nowMs / 60_000) % databases.length;
  const report: ArchiveRunReport = { moved: 0, folded: 0, held: 0 };
  let budget = runSteps - foldSteps;
  for (const db of [...databases.slice(first), ...databases.slice(0, first)]) {
    if (budget <= 0) break;
    const done = await archiveDatabase(env, control.db, db, { boundary, skip, expiring, clock, part }, Math.min(stepsPerRun, budget));
    budget -= done.steps;
    report.moved += done.moved;
    report.held += done.held;
  }
  const folded = await foldChanges(env, control.db, foldSteps + budget, clock);
  return { ...report, folded: folded.steps, held: report.held + folded.held };
}

interface Pass {
  boundary: string;
  skip: string[];
  expiring: (accountId: string, id: string) => boolean;
  clock: () => number;
  part: PartBounds;
}

/** Up to `steps` steps on one message database: its oldest archivable days, an account at a time. */
async function archiveDatabase(env: Env, controlDb: Database, db: Database, pass: Pass, steps: number) {
  // An account whose oldest day has begun to expire, or whose lease another run holds, is passed over, not waited
  // for: one account's backlog for retention or another run must not hold up every other account on this database.
  const passed = [...pass.skip];
  const done = { steps: 0, moved: 0, held: 0 };
  for (let look = 0; done.steps < steps && look < steps * 5; look++) {
    const next = await oldestArchivable(db, pass.boundary, passed);
    if (!next) break;
    if (pass.expiring(next.accountId, next.id)) {
      passed.push(next.accountId);
      continue;
    }
    const where = dayAndShardOf(next.accountId, next.id);
    const outcome = await underArchiveLease(controlDb, next.accountId, pass.clock(), (lease) => archiveStep(env, controlDb, db, lease, where, pass.part));
    if (outcome.held) {
      passed.push(next.accountId);
      done.held++;
      continue;
    }
    done.steps++;
    done.moved += outcome.value;
  }
  return done;
}
