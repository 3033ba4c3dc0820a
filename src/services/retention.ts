// Content retention on demand (POST /v1/messages/:id/redact), and a retention
// task's deletion of one database's messages past their account's retention_days.
import { loadConfig } from "../config.ts";
import { pruneExpiredBatches } from "../db/batches.ts";
import { deleteMessages, expiredMessageIds, redactMessageRow, retentionOverrides } from "../db/retention.ts";
import { shardDatabase } from "../db/shards.ts";
import { dropReferences, hasFiles, releaseMessageMedia } from "../delivery/media-release.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { redactedMessage } from "../delivery/redaction.ts";
import type { Account } from "../domain/account.ts";
import { hotBoundaryId } from "../domain/archive.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import { placementOf, shardsWriting } from "../domain/placement.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { isFinal } from "../domain/retention.ts";
import { logger } from "../log.ts";
import { redactArchived } from "./archive-fold.ts";
import type { Control } from "./control.ts";

/** The message with its content removed; a problem when it is not final yet (its content is still needed to send it). */
export async function redactMessage(env: Env, account: Account, row: Message): Promise<Result<Message>> {
  if (row.redactedAt) return succeed(row);
  const outcome = await messageStatusStub(env, row.id).redact();
  const status = outcome.kind === "no_state" ? row.status : outcome.status;
  if (outcome.kind === "not_final" || !isFinal(status)) {
    return fail(
      "",
      "message_not_final",
      `Message ${row.id} is ${status}: only a final message (delivered, read, undelivered, failed, canceled or expired) can be redacted.`,
    );
  }
  let redactedAt: number;
  if (outcome.kind === "redacted") redactedAt = outcome.redactedAt;
  else {
    // Final in D1 without an object's state (nothing to redact there): the row alone, on every shard a
    // change of it goes to (during a move, the target's copy too, where reads go after the flip).
    redactedAt = unixSeconds();
    const shards = shardsWriting(placementOf(account), shardOfMessageId(row.id));
    await Promise.all(shards.map((shard) => redactMessageRow(shardDatabase(env, shard), row.id, redactedAt)));
  }
  // An archived message's object is rewritten without it (one past the hot window may be there or in D1).
  if (row.id < hotBoundaryId(Date.now(), loadConfig(env).archiveHotDays)) await redactArchived(env, account.id, row.id, redactedAt);
  // Its files go with its content; once only (the row above still showed them).
  if (hasFiles(row)) await releaseMessageMedia(env, row.id);
  // Its fallback steps' content goes too (as the row's and the object's).
  return succeed({ ...redactedMessage(row, redactedAt), status });
}

/**
 * Messages deleted per chunk: one D1 statement binds at most 100 parameters
 * (the DELETE binds every id), and each message's object is called at once,
 * so a chunk is 50 Durable Object calls and two short D1 statements.
 */
const DELETE_CHUNK = 50;

/** What one retention task's work did: messages deleted or forgotten, and whether its budget ended it with more expired. */
export interface RetentionStep {
  done: number;
  more: boolean;
}

/**
 * Deletes up to `budget` messages of one message database past their account's retention_days, with their objects'
 * storage, `chunk` at a time (a task of the retention queue: retention-tasks.ts). Each D1 statement is short, so the
 * API's own queries never wait long behind it. `more` only when the budget ended it: an object that could not be
 * emptied ends it until the next seed, which tries again, instead of spinning a chain on it.
 */
export async function deleteExpiredOnShard(
  env: Env,
  control: Control,
  shard: number,
  nowMs: number,
  budget: number,
  chunk = DELETE_CHUNK,
): Promise<RetentionStep> {
  const [overrides, db] = [await retentionOverrides(control.db), shardDatabase(env, shard)];
  let deleted = 0;
  while (deleted < budget) {
    const want = Math.min(chunk, budget - deleted);
    const ids = await expiredMessageIds(db, overrides, unixSeconds(nowMs), want);
    // The objects first: a message whose object could not be emptied keeps its row, and the next task tries again.
    const forgotten = await Promise.allSettled(ids.map((id) => messageStatusStub(env, id).forget()));
    const done = ids.filter((_, index) => forgotten[index]!.status === "fulfilled");
    // References before rows: a failure here leaves the rows for the next task, which drops them again.
    await dropReferences(env, done, nowMs);
    await deleteMessages(db, done);
    deleted += done.length;
    if (done.length < ids.length) logger.warn("retention_objects_not_emptied", { count: ids.length - done.length });
    if (done.length < ids.length || ids.length < want) return { done: deleted, more: false };
  }
  return { done: deleted, more: true };
}

/** Batch rows deleted per statement, and statements per run of the every-minute cron. */
const BATCH_PRUNE_CHUNK = 500;
const BATCH_PRUNE_CHUNKS_PER_RUN = 10;

/**
 * Batch rows (GET /v1/batches/:id, its cancel) whose messages are all gone:
 * retention_days + UNDER_WAY_DAYS after the batch's creation, since a message
 * of it may be scheduled or under way that long after its own retention; how many.
 */
export async function deleteExpiredBatches(control: Control, nowMs: number, chunk = BATCH_PRUNE_CHUNK): Promise<number> {
  const overrides = await retentionOverrides(control.db);
  let deleted = 0;
  for (let i = 0; i < BATCH_PRUNE_CHUNKS_PER_RUN; i++) {
    const pruned = await pruneExpiredBatches(control.db, overrides, unixSeconds(nowMs), chunk);
    deleted += pruned;
    if (pruned < chunk) break;
  }
  return deleted;
}
