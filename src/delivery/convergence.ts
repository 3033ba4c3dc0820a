// The convergence pass: every D1 row reaches its object's view, whatever
// projection was lost on the way. Each minute (the maintenance cron), on each
// message database, the rows that may lag (`sent`, `scheduled`, or final with
// the content of a `discard` message still on them: db/convergence.ts) are
// compared with their objects' views when they are CONVERGE.checkAges old,
// and a view that differs is written at once, as the projection consumer
// writes it; then the cursors are saved. A check age walks the rows by
// creation order from its own cursor, which moves past every row it took
// whatever its object answered (unreachable, or no state: emptied by
// retention, never handed off), so no row is looked at twice per age and none
// can hold the rest back; the ages share a budget per run, a different one
// served first each minute, so no age waits on another for long.
import type { Database } from "../db/client.ts";
import { type RowView, readCursors, type Slice, saveCursors, unsettledRows } from "../db/convergence.ts";
import type { Projection } from "../db/projections.ts";
import { messageDatabases } from "../db/shards.ts";
import { firstIdAt, idTimestampMs } from "../domain/ids.ts";
import { logger } from "../log.ts";
import { messageStatusStub } from "./message-status.ts";
import { projectEverywhere } from "./projection-consumer.ts";

export const CONVERGE = {
  /**
   * A row is compared with its object when this old (seconds since its
   * create). The first check comes a minute in, past the projection queue's
   * usual second; the later ones catch a change that came later (a slow
   * delivery report, a WhatsApp read, a scheduled message's turn: send_at is
   * at most 35 days ahead).
   */
  checkAges: [60, 600, 3_600, 21_600, 86_400, 604_800, 36 * 86_400],
  /** Objects asked per run and database, shared by the ages (Durable Object calls are a run's subrequests). */
  rowsPerRun: 100,
  /** The most creation time one age's cursor moves over in one run: it bounds the rows one read scans. */
  spanSeconds: 3_600,
};

type Converge = typeof CONVERGE;

/** Compares the lagging rows of every message database with their objects; how many rows were written. */
export async function convergeRows(env: Env, controlDb: Database, nowMs: number, options: Converge = CONVERGE): Promise<number> {
  let written = 0;
  for (const db of messageDatabases(env)) written += await convergeOn(env, controlDb, db, nowMs, options);
  return written;
}

async function convergeOn(env: Env, controlDb: Database, db: Database, nowMs: number, options: Converge): Promise<number> {
  const { checkAges, rowsPerRun, spanSeconds } = options;
  const cursors = await readCursors(db);
  const slices: Slice[] = checkAges.map((age) => {
    const after = cursors.get(age) ?? firstIdAt("msg", nowMs - (age + spanSeconds) * 1000);
    const until = Math.min(nowMs - age * 1000, idTimestampMs(after) + spanSeconds * 1000);
    return { after, before: firstIdAt("msg", Math.max(until, idTimestampMs(after))), limit: rowsPerRun };
  });
  const found = await unsettledRows(db, slices);

  // The ages take the budget in turn, a different one first each minute.
  const first = Math.floor(nowMs / 60_000) % checkAges.length;
  let budget = rowsPerRun;
  const taken: RowView[] = [];
  const moved = new Map<number, string>();
  for (let turn = 0; turn < checkAges.length; turn++) {
    const i = (first + turn) % checkAges.length;
    const rows = found[i]!;
    const take = rows.slice(0, budget);
    budget -= take.length;
    taken.push(...take);
    // Past every row taken; past the whole slice when it was all taken.
    const through = take.length === rows.length && rows.length < slices[i]!.limit ? slices[i]!.before : take.at(-1)?.messageId;
    if (through !== undefined && through > slices[i]!.after) moved.set(checkAges[i]!, through);
  }

  const lagging = await laggingViews(env, taken);
  // Written as the consumer writes them: during a move of the account, to the source and the target alike.
  const failed = lagging.length > 0 ? await projectEverywhere(env, controlDb, lagging) : new Set();
  // The cursors stay where they were: the next run takes the same rows (a shard's failed batch is an outage, not one row).
  if (failed.size > 0) throw new Error(`the convergence pass could not write ${failed.size} rows`);
  await saveCursors(db, moved);
  if (lagging.length > 0) logger.info("rows_converged", { count: lagging.length, message_ids: lagging.map((view) => view.messageId) });
  return lagging.length;
}

/** The objects' views of these rows that differ from them (an object unreachable or without state is passed over). */
async function laggingViews(env: Env, rows: RowView[]): Promise<Projection[]> {
  const views = await Promise.allSettled(rows.map((row) => messageStatusStub(env, row.messageId).view()));
  const failed = views.filter((view) => view.status === "rejected").length;
  if (failed > 0) logger.warn("converge_objects_unreachable", { count: failed });
  return rows.flatMap((row, i) => {
    const view = views[i]!;
    return view.status === "fulfilled" && view.value !== null && differs(row, view.value) ? [view.value] : [];
  });
}

const COMPARED = [
  "status",
  "deliveredAt",
  "providerLatencyMs",
  "errorCode",
  "errorMessage",
  "attempts",
  "deliveredChannel",
  "redactedAt",
  "price",
  "priceStatus",
] as const;

function differs(row: RowView, view: Projection): boolean {
  return COMPARED.some((field) => JSON.stringify(row[field]) !== JSON.stringify(view[field]));
}
