// Content retention on demand (POST /v1/messages/:id/redact), and the
// maintenance run's deletion of messages past their account's retention_days.
import { loadConfig } from "../config.ts";
import { pruneExpiredBatches } from "../db/batches.ts";
import type { Database } from "../db/client.ts";
import { deleteMessages, expiredMessageIds, type RetentionOverride, redactMessageRow, retentionOverrides } from "../db/retention.ts";
import { messageDatabases, shardDatabase } from "../db/shards.ts";
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
/**
 * Chunks per run of the every-minute cron: 2,000 messages a minute (2.88
 * million a day, about 33 a second sustained), about 2,100 subrequests of a
 * Worker invocation's 10,000 (the archive's run and expiry take about 2,800
 * more), and each D1 statement is short, so the API's own queries never wait
 * long behind it. Locally 1,500 took 9 s (6 ms a message).
 */
const DELETE_CHUNKS_PER_RUN = 40;

/**
 * Deletes messages past their account's retention_days, with their objects'
 * storage, in bounded chunks on each message database in turn; how many.
 */
export async function deleteExpiredMessages(env: Env, control: Control, nowMs: number, chunk = DELETE_CHUNK, chunks = DELETE_CHUNKS_PER_RUN): Promise<number> {
  const overrides = await retentionOverrides(control.db);
  let deleted = 0;
  for (const db of messageDatabases(env)) deleted += await deleteExpiredOn(env, db, overrides, nowMs, chunk, chunks);
  return deleted;
}

async function deleteExpiredOn(env: Env, db: Database, overrides: RetentionOverride[], nowMs: number, chunk: number, chunks: number): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < chunks; i++) {
    const ids = await expiredMessageIds(db, overrides, unixSeconds(nowMs), chunk);
    if (ids.length === 0) break;
    // The objects first: a message whose object could not be emptied keeps its row, and the next run tries again.
    const forgotten = await Promise.allSettled(ids.map((id) => messageStatusStub(env, id).forget()));
    const done = ids.filter((_, index) => forgotten[index]!.status === "fulfilled");
    // References before rows: a failure here leaves the rows for the next run, which drops them again.
    await dropReferences(env, done, nowMs);
    await deleteMessages(db, done);
    deleted += done.length;
    if (done.length < ids.length) {
      logger.warn("retention_objects_not_emptied", { count: ids.length - done.length });
      break;
    }
    if (ids.length < chunk) break;
  }
  return deleted;
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
