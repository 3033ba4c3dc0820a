// A batch create: every item goes through the single create's own door
// (prepareMessage, messageRow in messages.ts) with the reads and limits the
// gate admitted it with, then the rows are stored with one D1 batch per
// message database and queued with Queue sendBatch in chunks. An item is
// either created, and will be delivered, or an item error: a message
// database whose insert fails turns its items into item errors (its
// transaction stored none of them, and no job was sent for them); a chunk of
// jobs whose send fails leaves its messages queued, and the reconciler
// re-enqueues them (src/delivery/reconcile.ts), as for a single create.
import type { ZodError } from "zod";
import { insertBatch } from "../db/batches.ts";
import { mediaRefRows } from "../db/media.ts";
import { insertMessages } from "../db/message-inserts.ts";
import { shardDatabase } from "../db/shards.ts";
import { deliveryJob } from "../delivery/job.ts";
import type { Account } from "../domain/account.ts";
import type { CreateBatchInput } from "../domain/batch.ts";
import { newId, newMessageId, shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import type { MediaFile } from "../domain/media.ts";
import type { Message } from "../domain/message.ts";
import { METADATA_LIMITS, storedMetadata } from "../domain/metadata.ts";
import { placementOf, shardForNewMessage } from "../domain/placement.ts";
import type { Problem } from "../domain/result.ts";
import type { ItemAdmission } from "../gate/batch-admission.ts";
import { logger } from "../log.ts";
import type { Control } from "./control.ts";
import { storeMedia } from "./media.ts";
import { chargeItems, refundAll } from "./message-price.ts";
import { armSendTime, type MessageRow, messageRow, prepareMessage } from "./messages.ts";

/** Jobs per Queue sendBatch: at most 100 messages and 256 KB (a job is its message id, well under 2.5 KB). */
const SEND_CHUNK = 100;
/** Scheduled items' objects armed at once. */
const ARM_CONCURRENCY = 50;

/** Why an item was not created. */
export type ItemError =
  | { kind: "invalid"; error: ZodError }
  | { kind: "problem"; problem: Problem }
  | { kind: "daily_limited"; channel: string; limit: number; retryAfterSeconds: number }
  | { kind: "recipient_limited"; retryAfterSeconds: number }
  | { kind: "unavailable" };

export interface BatchOutcome {
  id: string;
  createdAt: number;
  /** One per index: the message as created, or null. */
  data: (Message | null)[];
  errors: { index: number; error: ItemError }[];
  /** Every item was refused, or (strict) some were: nothing was stored. */
  refused: boolean;
}

export async function createBatch(
  env: Env,
  control: Control,
  account: Account,
  input: CreateBatchInput,
  admitted: ItemAdmission[] | undefined,
): Promise<BatchOutcome> {
  const id = newId("bat");
  const createdAt = unixSeconds();
  const placement = placementOf(account);
  const errors: BatchOutcome["errors"] = [];
  // Each item's files with their bytes, by message id: stored once per account and content before any insert.
  const filesOf = new Map<string, MediaFile[]>();
  const rows: (MessageRow | null)[] = await Promise.all(
    input.items.map(async (item, index) => {
      const refuse = (error: ItemError) => {
        errors.push({ index, error });
        return null;
      };
      if (!item.ok) return refuse({ kind: "invalid", error: item.error });
      const admission = admitted?.[index];
      if (admission?.kind === "daily_limited" || admission?.kind === "recipient_limited") return refuse(admission);
      const metadata = storedMetadata(item.input.metadata, input.metadata);
      if (metadata && Object.keys(metadata).length > METADATA_LIMITS.keys) {
        return refuse({
          kind: "problem",
          problem: { param: "metadata", code: "parameter_invalid", message: `Invalid metadata: at most ${METADATA_LIMITS.keys} keys with the batch's.` },
        });
      }
      const prepared = await prepareMessage(env, control, account, item.input, admission?.kind === "admitted" ? admission.reads : undefined);
      if (!prepared.ok) return refuse({ kind: "problem", problem: prepared.problem });
      const messageId = newMessageId(shardForNewMessage(placement, false));
      if (prepared.value.files.length > 0) filesOf.set(messageId, prepared.value.files);
      return messageRow(account, item.input, prepared.value, messageId, { batchId: id, batchMetadata: input.metadata });
    }),
  );
  const refusedOutcome = (): BatchOutcome => ({ id, createdAt, data: rows.map(() => null), errors: sorted(errors), refused: true });
  if (rows.every((row) => row === null) || (input.validation === "strict" && errors.length > 0)) return refusedOutcome();
  // The spend limits, charged per item in the gate as a single create's; an item over a limit is an item error.
  const charges = await chargeItems(env, account, rows);
  for (const [index, charge] of charges.entries()) {
    if (charge.ok) continue;
    rows[index] = null;
    errors.push({ index, error: { kind: "problem", problem: charge.problem } });
  }
  const spent = (ids: (id: string) => boolean) =>
    rows.flatMap((row, index) => {
      const charge = charges[index];
      return row && charge?.ok && charge.value && ids(row.id) ? [charge.value] : [];
    });
  const planned = rows.filter((row) => row !== null);
  if (planned.length === 0 || (input.validation === "strict" && errors.length > 0)) {
    await refundAll(
      env,
      account,
      spent(() => true),
    );
    return refusedOutcome();
  }

  // The distinct files in R2 first (as a single create's, src/services/media.ts: one object per account and
  // content, one gate claim for them all), then the batch's row: a batch whose messages exist can always be read.
  // A failure of either stores no message: the request fails whole, as a single create does.
  try {
    await storeMedia(
      env,
      account.id,
      planned.flatMap((row) => filesOf.get(row.id) ?? []),
    );
    await insertBatch(control.db, { id, accountId: account.id, createdAt, validation: input.validation, metadata: input.metadata ?? null });
  } catch (error) {
    await refundAll(
      env,
      account,
      spent(() => true),
    );
    throw error;
  }
  const stored = await storeByShard(env, planned, filesOf);
  // Items whose database stored nothing give their spend back.
  await refundAll(
    env,
    account,
    spent((messageId) => !stored.has(messageId)),
  );
  const data = rows.map((row, index) => {
    if (row === null) return null;
    if (stored.has(row.id)) return row;
    errors.push({ index, error: { kind: "unavailable" } });
    return null;
  });
  // Whether the account has webhook endpoints, as the gate answered with the items (undefined: not asked).
  const endpoints = admitted?.find((admission) => admission?.kind === "admitted")?.reads.endpoints;
  await dispatch(
    env,
    planned.filter((row) => stored.has(row.id)),
    endpoints,
  );
  return { id, createdAt, data, errors: sorted(errors), refused: false };
}

const sorted = (errors: BatchOutcome["errors"]) => errors.sort((a, b) => a.index - b.index);

/** One D1 batch per message database, all at once; the ids of the rows stored (a database that failed stored none of its rows). */
async function storeByShard(env: Env, rows: MessageRow[], filesOf: ReadonlyMap<string, MediaFile[]>): Promise<Set<string>> {
  const byShard = new Map<number, MessageRow[]>();
  for (const row of rows) {
    const shard = shardOfMessageId(row.id);
    byShard.set(shard, [...(byShard.get(shard) ?? []), row]);
  }
  const stored = new Set<string>();
  await Promise.all(
    [...byShard].map(async ([shard, shardRows]) => {
      try {
        const media = shardRows.flatMap((row) =>
          mediaRefRows(
            row,
            (filesOf.get(row.id) ?? []).map((file) => file.ref),
          ),
        );
        await insertMessages(shardDatabase(env, shard), shardRows, media);
        for (const row of shardRows) stored.add(row.id);
      } catch (error) {
        logger.error("batch_insert_failed", { shard, messages: shardRows.length, error });
      }
    }),
  );
  return stored;
}

/** Queues the stored messages' jobs in chunks and arms the scheduled ones' send times. */
async function dispatch(env: Env, rows: MessageRow[], endpoints: boolean | undefined): Promise<void> {
  const queued = rows.filter((row) => row.sendAt === null).map((row) => row.id);
  const chunks: string[][] = [];
  for (let i = 0; i < queued.length; i += SEND_CHUNK) chunks.push(queued.slice(i, i + SEND_CHUNK));
  const scheduled = rows.filter((row) => row.sendAt !== null);
  await Promise.all([...chunks.map((ids) => sendJobs(env, ids, endpoints)), armAll(env, scheduled, endpoints)]);
}

/** One sendBatch, tried twice; if both fail the messages stay queued and the reconciler re-enqueues them within a minute or so. */
async function sendJobs(env: Env, ids: string[], endpoints: boolean | undefined): Promise<void> {
  const send = () => env.MESSAGES_QUEUE.sendBatch(ids.map((id) => deliveryJob(id, endpoints)));
  try {
    await send().catch((error: unknown) => {
      logger.warn("batch_enqueue_retried", { messages: ids.length, error });
      return send();
    });
  } catch (error) {
    logger.error("batch_enqueue_failed", { messages: ids.length, first_message_id: ids[0], error });
  }
}

async function armAll(env: Env, rows: MessageRow[], endpoints: boolean | undefined): Promise<void> {
  for (let i = 0; i < rows.length; i += ARM_CONCURRENCY) {
    await Promise.all(rows.slice(i, i + ARM_CONCURRENCY).map((row) => armSendTime(env, row.id, row.sendAt!, endpoints)));
  }
}
