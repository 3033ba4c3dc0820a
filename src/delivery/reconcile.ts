// The reconciler: no message is lost between D1 and the Queue. A message row
// is written while its id is sent to the Queue; a failed send is re-driven by
// the message's Durable Object within seconds (see createMessage), but if the
// Worker dies mid-create, or that re-drive cannot be armed either, the row
// stays `queued`. Every minute the Cron Trigger re-enqueues the messages that
// have been queued, untouched, for longer than the grace period. A message
// that was in fact enqueued (just slow) may so be enqueued twice: its Durable
// Object hands it to a provider at most once, so that is harmless, and the
// grace can be short: it only spares a healthy Queue needless duplicates.
// A scheduled message waits for its object's alarm instead of a job: one whose
// send time passed while its row still says `scheduled` (the create could not
// arm the alarm after its insert) has the alarm armed again; an object that
// already queued, sent or canceled it projects its view again instead (the row
// was left behind by a lost projection). Re-armed rows go to the back of the
// line, so rows that stay behind cannot keep an unarmed one from its turn.
import type { Database } from "../db/client.ts";
import { markRequeued, overdueScheduledMessages, stuckQueuedMessageIds } from "../db/messages.ts";
import { messageDatabases } from "../db/shards.ts";
import { unixSeconds } from "../domain/ids.ts";
import { logger } from "../log.ts";
import { deliveryJob } from "./job.ts";
import { messageStatusStub } from "./message-status.ts";

export const RECONCILE = {
  /** Long enough for a healthy Queue to have picked a message up (well under a second); duplicates are harmless. */
  graceSeconds: 15,
  /** Messages per run (one Queue.sendBatch holds at most 100). */
  batchSize: 100,
} as const;

/** Each message database in turn, the ids its run handled, together. */
async function onEveryShard(env: Env, run: (db: Database) => Promise<string[]>): Promise<string[]> {
  const ids: string[] = [];
  for (const db of messageDatabases(env)) ids.push(...(await run(db)));
  return ids;
}

/** Re-enqueues up to one batch of stuck messages per message database; returns their ids. */
export function reenqueueStuckMessages(env: Env, nowMs: number): Promise<string[]> {
  return onEveryShard(env, (db) => reenqueueStuckOn(env, db, nowMs));
}

async function reenqueueStuckOn(env: Env, db: Database, nowMs: number): Promise<string[]> {
  const now = unixSeconds(nowMs);
  const ids = await stuckQueuedMessageIds(db, now - RECONCILE.graceSeconds, RECONCILE.batchSize);
  if (ids.length === 0) return ids;
  await env.MESSAGES_QUEUE.sendBatch(ids.map((id) => deliveryJob(id)));
  // Restarts their grace period, so a slow Queue does not get them every minute.
  await markRequeued(db, ids, now);
  logger.info("messages_requeued", { count: ids.length, message_ids: ids });
  return ids;
}

/** Re-arms the send alarm of up to one batch per message database of scheduled messages whose time passed unseen; returns their ids. */
export function rearmOverdueScheduled(env: Env, nowMs: number): Promise<string[]> {
  return onEveryShard(env, (db) => rearmOverdueOn(env, db, nowMs));
}

async function rearmOverdueOn(env: Env, db: Database, nowMs: number): Promise<string[]> {
  const now = unixSeconds(nowMs);
  const due = await overdueScheduledMessages(db, now - RECONCILE.graceSeconds, RECONCILE.batchSize);
  if (due.length === 0) return [];
  const armed = await Promise.allSettled(due.map(({ id, sendAt }) => messageStatusStub(env, id).schedule(id, sendAt * 1000)));
  // Only the armed ones start their grace over; an object that could not be reached is tried again next run.
  const ids = due.filter((_, i) => armed[i]!.status === "fulfilled").map((message) => message.id);
  const failed = due.length - ids.length;
  if (failed > 0) logger.error("scheduled_rearm_failed", { count: failed });
  if (ids.length > 0) await markRequeued(db, ids, now);
  logger.info("scheduled_rearmed", { count: ids.length, message_ids: ids });
  return ids;
}
