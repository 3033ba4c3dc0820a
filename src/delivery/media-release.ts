// Files leave R2 with the last message that refers to them. A message's
// references go when its content does (discard once final, a redact, its
// retention_days deletion): they become "orphans" on its database, in the
// same transaction. An orphan's file is deleted once no message of the
// account on any database refers to it and no create claimed it lately
// (src/gate/media-claims.ts); otherwise the orphan stays for the next run.
//
// Bound: a release tries at once; a file a create claimed in the last
// CLAIM_GRACE_MS (15 minutes: e.g. a discard email delivered seconds after its
// create) goes on the first maintenance run after that, so a deleted-but-shared
// object is held at most ~16 minutes past its last reference, at R2's storage
// price for that time. Repair: every run (src/services/maintenance.ts) drops the
// references of redacted messages that a failed release left, and retries
// every orphan, oldest first, ORPHANS_PER_RUN a database.
import type { Database } from "../db/client.ts";
import { deferOrphan, dropMediaRefs, dropOrphan, type Orphan, orphansSince, redactedWithMedia, refersTo } from "../db/media.ts";
import { messageDatabases, shardDatabase } from "../db/shards.ts";
import { shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import { mediaRefsOf } from "../domain/media-content.ts";
import type { Message } from "../domain/message.ts";
import { logger } from "../log.ts";

/**
 * Per database and run: each orphan costs a read per database, a gate call
 * and a delete or two, and the run shares a Worker invocation's subrequests
 * with the rest of the maintenance.
 */
const ORPHANS_PER_RUN = 25;
const REDACTED_PER_RUN = 50;

/** Whether the message's content refers to files (only then is there anything to release). */
export function hasFiles(message: Message): boolean {
  return mediaRefsOf(message.rendered).length > 0;
}

/**
 * Drops the messages' references, each on the database its id names, leaving
 * their files as orphans (message retention: the maintenance run collects them).
 */
export async function dropReferences(env: Env, messageIds: string[], nowMs: number): Promise<void> {
  const byShard = new Map<number, string[]>();
  for (const id of messageIds) byShard.set(shardOfMessageId(id), [...(byShard.get(shardOfMessageId(id)) ?? []), id]);
  for (const [shard, ids] of byShard) await dropMediaRefs(shardDatabase(env, shard), ids, unixSeconds(nowMs));
}

/**
 * One message's references dropped and its files deleted if no other message
 * refers to them, from its object (discard) or the redact route. A failure is
 * logged: the maintenance run repairs it (sweepMedia).
 */
export async function releaseMessageMedia(env: Env, messageId: string, nowMs = Date.now()): Promise<void> {
  try {
    const db = shardDatabase(env, shardOfMessageId(messageId));
    await collectOrphans(env, db, await dropMediaRefs(db, [messageId], unixSeconds(nowMs)), nowMs);
  } catch (error) {
    logger.with({ message_id: messageId }).warn("media_release_failed", { error });
  }
}

/** Each orphan whose file no message refers to and no create claimed lately: its file deleted, the orphan dropped. */
async function collectOrphans(env: Env, db: Database, orphans: Orphan[], nowMs: number): Promise<number> {
  let deleted = 0;
  for (const orphan of orphans) {
    const countedAt = nowMs;
    const databases = messageDatabases(env);
    const referred = await Promise.all(databases.map((shardDb) => refersTo(shardDb, orphan.accountId, orphan.sha256)));
    if (referred.some(Boolean)) {
      await dropOrphan(db, orphan);
      continue;
    }
    if (!(await env.ACCOUNT_GATE.getByName(orphan.accountId).collectMedia(orphan.accountId, orphan.sha256, countedAt))) {
      // Behind the others: a file kept by a claim does not hold up the next run's.
      await deferOrphan(db, orphan, unixSeconds(nowMs));
      continue;
    }
    // The same file's orphans on the other databases are settled too.
    await Promise.all(databases.map((shardDb) => dropOrphan(shardDb, orphan)));
    deleted += 1;
  }
  return deleted;
}

/** The maintenance run's part: references a failed release left on redacted messages, then every orphan due; how many files went. */
export async function sweepMedia(env: Env, nowMs: number): Promise<number> {
  let deleted = 0;
  for (const db of messageDatabases(env)) {
    const redacted = await redactedWithMedia(db, REDACTED_PER_RUN);
    await dropMediaRefs(db, redacted, unixSeconds(nowMs));
    deleted += await collectOrphans(env, db, await orphansSince(db, unixSeconds(nowMs), ORPHANS_PER_RUN), nowMs);
  }
  return deleted;
}
