// Retention fanned out through a Queue (RETENTION_QUEUE, wrangler.toml): each
// minute the maintenance seeds one task per message database and one per
// account with an archived day past its retention_days; the queue's consumers,
// which Cloudflare runs concurrently, each empty up to TASK_BUDGET messages'
// objects and delete their rows or archived entries. A task that spent its
// budget queues its own continuation at once, so a database or an account
// with a backlog is worked without waiting for the next minute; its lease
// keeps one chain per database or account (a second task passes over it).
//
// Repair: a task lost, failed past its retries, or ended early leaves its
// messages in place, and the next minute's seed finds them again (each task
// takes the oldest expired first), so nothing starves on a lost task.
import { accountsWithExpiredParts } from "../db/retention.ts";
import { activeMoves } from "../db/shard-moves.ts";
import { messageShards } from "../db/shards.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { logger } from "../log.ts";
import { expireArchivedAccount } from "./archive-expiry.ts";
import { underArchiveLease } from "./archive-lease.ts";
import type { Control } from "./control.ts";
import { deleteExpiredOnShard } from "./retention.ts";

/** One message database's expired rows, or one account's expired archived days. */
export type RetentionTask = { kind: "messages"; shard: number } | { kind: "archive"; accountId: string };

/**
 * Messages a task empties and deletes: one Durable Object call each, so about 5,200 subrequests a task with its D1
 * and R2 calls, inside the 10,000 a Workers Paid invocation allows (the queue hands a consumer one task at a time).
 * Locally 2,000 took 15.7 s (7.8 ms each), so a whole task takes about 40 s there, inside its two-minute lease.
 */
const TASK_BUDGET = 5_000;

/** What a task did: messages deleted or forgotten, whether more is left (it queued its continuation), whether another task held its lease. */
export interface TaskReport {
  done: number;
  more: boolean;
  held: boolean;
}

/** The lease's key in archive_leases: an archive task's is its account's (the archive's own lease); a database's is `retention:shard:<n>`. */
function leaseKey(task: RetentionTask): string {
  return task.kind === "archive" ? task.accountId : `retention:shard:${task.shard}`;
}

/** This minute's tasks: every message database, and every account with an expired archived day but under a shard move (until it ends). */
export async function retentionTasks(env: Env, control: Control, nowMs: number): Promise<RetentionTask[]> {
  const [accounts, moves] = await Promise.all([accountsWithExpiredParts(control.db, nowMs), activeMoves(control.db)]);
  const moving = new Set(moves.map((move) => move.accountId));
  return [
    ...messageShards(env).map((shard): RetentionTask => ({ kind: "messages", shard })),
    ...accounts.filter((accountId) => !moving.has(accountId)).map((accountId): RetentionTask => ({ kind: "archive", accountId })),
  ];
}

/** Queues this minute's tasks (Queues take at most 100 messages a send); how many. */
export async function seedRetention(env: Env, control: Control, nowMs: number): Promise<number> {
  const tasks = await retentionTasks(env, control, nowMs);
  for (let i = 0; i < tasks.length; i += 100) {
    await env.RETENTION_QUEUE.sendBatch(tasks.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
  return tasks.length;
}

/**
 * Runs one task under its lease (the archive's: two minutes, released when the task ends; a task killed mid-way holds
 * it that long), up to `budget` messages; passed over (held) when another task holds it. Its writes are idempotent
 * (an object emptied twice, a row deleted twice), and the archive's index writes check the lease in their batch.
 */
export async function runRetentionTask(env: Env, control: Control, task: RetentionTask, nowMs: number, budget = TASK_BUDGET): Promise<TaskReport> {
  const outcome = await underArchiveLease(control.db, leaseKey(task), nowMs, (lease) =>
    task.kind === "archive" ? expireArchivedAccount(env, control, lease, nowMs, budget) : deleteExpiredOnShard(env, control, task.shard, nowMs, budget),
  );
  return outcome.held ? { done: 0, more: false, held: true } : { ...outcome.value, held: false };
}

/**
 * The retention queue's consumer: each task run, and its continuation queued when it spent its budget (after its
 * lease is released, so the continuation can take it). A task that threw is retried with backoff; past its retries
 * it is dropped, and the next seed covers it.
 */
export async function consumeRetention(batch: MessageBatch<RetentionTask>, env: Env, control: Control, budget = TASK_BUDGET): Promise<void> {
  for (const message of batch.messages) {
    try {
      const report = await runRetentionTask(env, control, message.body, Date.now(), budget);
      if (report.more) await env.RETENTION_QUEUE.send(message.body, { contentType: "json" });
      message.ack();
    } catch (error) {
      logger.error("retention_task_failed", { task: message.body.kind, attempt: message.attempts, error });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
