// Creating a message: the one place that decides what is stored and queued.
import { loadConfig } from "../config.ts";
import type { Database } from "../db/client.ts";
import { insertMessageWithMedia } from "../db/media.ts";
import { type CreateReadResults, type CreateReads, readForCreate } from "../db/messages.ts";
import { shardDatabase } from "../db/shards.ts";
import { deliveryJob } from "../delivery/job.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import type { Account, Mode } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { destinationProblem } from "../domain/geo.ts";
import { idTimestampMs, newMessageId, shardOfMessageId, unixSeconds } from "../domain/ids.ts";
import type { MediaFile, MediaRef } from "../domain/media.ts";
import { type CreateMessageInput, type Message, verificationContent } from "../domain/message.ts";
import { type Metadata, storedMetadata } from "../domain/metadata.ts";
import { placementOf, shardForNewMessage } from "../domain/placement.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { fail, type Problem, type Result, succeed } from "../domain/result.ts";
import { renderedSize, segmentLimitProblem } from "../domain/segments.ts";
import { suppressionRecipient } from "../domain/suppression.ts";
import { logger } from "../log.ts";
import type { Control } from "./control.ts";
import { createTemplateId, resolveSteps, senderRead, stepRecipients, stepSenderReads } from "./fallback-steps.ts";
import { prepareMedia, storeMedia, withMediaLinks } from "./media.ts";
import { render, sender } from "./message-parts.ts";
import { chargeSpend, priceKeys, pricing, refundSpend } from "./message-price.ts";

/** The reads a create of this input needs besides the account. */
export function readsForCreate(input: CreateMessageInput, mode: Mode): CreateReads {
  const stepSenders = stepSenderReads(input, mode);
  const recipients = stepRecipients(input);
  return {
    templateId: createTemplateId(input),
    senders: senderRead(input.channel, input.from, mode),
    recipient: suppressionRecipient(input),
    ...(stepSenders ? { stepSenders } : {}),
    ...(recipients ? { stepRecipients: recipients } : {}),
    prices: priceKeys(input),
  };
}

export interface CreateOptions {
  /** The reads of readsForCreate, when made already (the API made them with the key lookup, see src/http/auth.ts). */
  reads?: CreateReadResults;
  /** The message's id, when one was reserved for it (by its Idempotency-Key, on the account's home shard); new otherwise. */
  id?: string;
  /** The API key that creates it, for usage by key. */
  apiKeyId?: string;
  /** A verification's send (src/services/verifications.ts): the content stored and shown is its marker, never the text with the code. */
  verificationId?: string;
}

/** What a create decides before anything is stored: the message as it would be sent. */
export type PreparedMessage = Pick<
  Message,
  "channel" | "to" | "from" | "content" | "statusCallback" | "encoding" | "segments" | "fallback" | "contentRetention" | "country" | "stepPrices"
> &
  Pick<Message, "price" | "priceUnit" | "priceStatus"> & {
    rendered: RenderedContent;
    /** The content's files with their bytes, to store in R2 before the message (src/services/media.ts). */
    files: MediaFile[];
    /** The sender's provider id (Meta's phone-number id), stored with the message for its delivery. */
    fromId: string | null;
  };

/**
 * The first half of a create, which a preview runs alone: checks what the
 * schema cannot, renders the content, picks the sender and resolves the
 * fallback steps. Reads (no writes); a problem naming the param at fault when
 * the input cannot be sent as given.
 */
export async function prepareMessage(
  env: Env,
  control: Control,
  account: Account,
  input: CreateMessageInput,
  reads?: CreateReadResults,
): Promise<Result<PreparedMessage>> {
  if (input.statusCallback !== undefined) {
    const problem = callbackUrlProblem(input.statusCallback, account.mode);
    if (problem) return fail("status_callback", "parameter_invalid", `Invalid status_callback: ${problem}.`);
  }
  // Country and number-type rules, from the account the gate holds: no read of their own.
  const blocked = destinationProblem(account, input.channel, input.to) ?? stepDestinationProblem(account, input);
  if (blocked) return { ok: false, problem: blocked };
  const { channel } = input;
  const found = reads ?? (await readForCreate(control.db, account.id, readsForCreate(input, account.mode)));
  if (found.suppressed) return suppressedRecipient(input);
  const rendered = render(input, found.template);
  if (!rendered.ok) return rendered;
  const linked = withMediaLinks(loadConfig(env).publicBaseUrl, input, rendered.value);
  if (!linked.ok) return linked;
  // Files sent as links count as their links: one per file of the create's content[media].
  const size = renderedSize(linked.value, "media" in input.content ? (input.content.media?.length ?? 0) : 0);
  const tooLong = segmentLimitProblem(size, input.maxSegments);
  if (tooLong) return { ok: false, problem: tooLong };
  const sentFrom = sender(account, input, found.senders);
  if (!sentFrom.ok) return sentFrom;
  const steps = resolveSteps(account, input, found);
  if (!steps.ok) return steps;
  // Last: the files are decoded (or fetched) only for a create that passed every other check.
  const media = await prepareMedia(account.mode, input.to, input.content, linked.value);
  if (!media.ok) return media;
  return succeed({
    channel,
    to: input.to,
    from: sentFrom.value.from,
    fromId: sentFrom.value.fromId,
    content: media.value.content,
    rendered: media.value.rendered,
    files: media.value.files,
    statusCallback: input.statusCallback ?? null,
    encoding: size?.encoding ?? null,
    segments: size?.segments ?? null,
    fallback: steps.value,
    // The create's own choice wins over its template's default.
    contentRetention: input.contentRetention ?? found.template?.contentRetention ?? "retain",
    ...pricing(account, input, size?.segments ?? null, steps.value, found.rates ?? [], found.template),
  });
}

/**
 * A fallback step to a blocked country or number type is refused like the
 * message's own recipient, naming the step: it could never be sent. (A
 * suppressed step is different: the recipient's choice, which may change, so
 * it is kept and skipped at its turn.)
 */
function stepDestinationProblem(account: Account, input: CreateMessageInput): Problem | null {
  for (const [i, step] of (input.fallback ?? []).entries()) {
    const problem = destinationProblem(account, step.channel, step.to);
    if (problem) return { ...problem, param: `fallback[${i}][to]` };
  }
  return null;
}

/** A message as a create stores it, with its sender's provider id. */
export type MessageRow = Message & { fromId: string | null };

/** What a create stores beside its input: the batch it belongs to, and the batch's metadata under the message's own. */
interface RowContext {
  batchId: string | null;
  /** The API key that creates it. */
  apiKeyId?: string;
  batchMetadata?: Metadata;
  /** A verification's send: the content stored and shown is its marker, never the text with the code. */
  verificationId?: string;
}

/**
 * The row a create stores for a prepared message: the one door of a single
 * create and of each item of a batch (src/services/batch.ts).
 */
export function messageRow(account: Account, input: CreateMessageInput, prepared: PreparedMessage, id: string, context: RowContext): MessageRow {
  const createdAt = unixSeconds(idTimestampMs(id));
  const sendAt = input.sendAt ?? null;
  // The files' bytes are stored apart (storeMedia): the row holds their descriptions.
  const { files: _, ...kept } = prepared;
  return {
    ...kept,
    ...(context.verificationId === undefined ? {} : { content: verificationContent(context.verificationId) }),
    id,
    accountId: account.id,
    mode: account.mode,
    direction: "outbound",
    status: sendAt === null ? "queued" : "scheduled",
    errorCode: null,
    errorMessage: null,
    // The id's own timestamp, so filtering on created_at is filtering on id.
    createdAt,
    deliveredAt: null,
    providerLatencyMs: null,
    redactedAt: null,
    updatedAt: createdAt,
    fallbackAfter: input.fallbackAfter ?? null,
    sendAt,
    // Validity counts from the send time of a scheduled message.
    expiresAt: input.validityPeriod === undefined ? null : (sendAt ?? createdAt) + input.validityPeriod,
    attempts: null,
    deliveredChannel: null,
    metadata: storedMetadata(input.metadata, context.batchMetadata),
    batchId: context.batchId,
    apiKeyId: context.apiKeyId ?? null,
  };
}

/** Stores the message and queues its delivery (or arms its send time); a problem naming the param at fault when the input cannot be sent as given. */
export async function createMessage(
  env: Env,
  control: Control,
  account: Account,
  input: CreateMessageInput,
  options: CreateOptions = {},
): Promise<Result<Message>> {
  const prepared = await prepareMessage(env, control, account, input, options.reads);
  if (!prepared.ok) return prepared;
  // The spend limits, in the account's gate: the estimate is counted, and given back if nothing is stored.
  const charged = await chargeSpend(env, account, prepared.value.price, prepared.value.priceUnit);
  if (!charged.ok) return charged;
  try {
    return await store(env, account, input, prepared.value, options);
  } catch (error) {
    await refundSpend(env, account, charged.value);
    throw error;
  }
}

async function store(env: Env, account: Account, input: CreateMessageInput, prepared: PreparedMessage, options: CreateOptions): Promise<Result<Message>> {
  // A new message goes to one of the account's write shards; its id says which.
  const id = options.id ?? newMessageId(shardForNewMessage(placementOf(account), false));
  const db = shardDatabase(env, shardOfMessageId(id));
  const row = messageRow(account, input, prepared, id, { batchId: null, apiKeyId: options.apiKeyId, verificationId: options.verificationId });
  const { sendAt } = row;
  // Whether the account has webhook endpoints, as the gate answered with the create's reads (undefined: not asked).
  const endpoints = options.reads?.endpoints;
  // The files are in R2 before any message refers to them (and before its job can read them).
  const { files } = prepared;
  await storeMedia(env, account.id, files);
  const refs = files.map((file) => file.ref);
  if (sendAt !== null) return schedule(env, db, row, sendAt, endpoints, refs);
  // The row and its job go out at once, and the 201 waits for both: a create
  // costs one round trip after the gate, not two, and a Worker that dies
  // after the insert has already sent the job. A job that arrives before its
  // row is committed is retried by the consumer; one whose insert failed
  // finds no message and is dropped, so nothing is sent for a failed create.
  // If the send fails, the message's object hands it off within seconds (redrive).
  const queued = enqueue(env, row.id, endpoints);
  await insertMessageWithMedia(db, row, refs);
  if (!(await queued)) await redrive(env, row.id);
  return succeed(row);
}

/**
 * A scheduled message: its object arms its alarm for the send time instead of
 * a Queue job (one call, as the job would be), with the row inserted at the
 * same time. An alarm that finds no row waits for it a moment and then drops it.
 */
async function schedule(env: Env, db: Database, row: MessageRow, sendAt: number, endpoints: boolean | undefined, refs: MediaRef[]): Promise<Result<Message>> {
  await Promise.all([insertMessageWithMedia(db, row, refs), armSendTime(env, row.id, sendAt, endpoints)]);
  return succeed(row);
}

/**
 * Arms a scheduled message's send time on its object; a failure is logged (the reconciler arms it once the time has
 * passed). `endpoints`: whether the account has webhook endpoints (undefined: unknown, the object asks its gate).
 */
export function armSendTime(env: Env, messageId: string, sendAt: number, endpoints?: boolean): Promise<void> {
  // One more try on a fresh stub if the first call fails. If that fails too,
  // the stored message is still answered 201: the reconciler arms its alarm
  // once the send time has passed (rearmOverdueScheduled), as it re-enqueues
  // a queued message whose job was lost.
  const arm = () => messageStatusStub(env, messageId).schedule(messageId, sendAt * 1000, endpoints);
  return arm()
    .catch((error: unknown) => {
      logger.with({ message_id: messageId }).warn("schedule_retried", { error });
      return arm();
    })
    .then(
      () => undefined,
      (error: unknown) => logger.with({ message_id: messageId }).error("schedule_failed", { error }),
    );
}

/** Hands the message's job to the Queue; false, logged, when the send failed. */
async function enqueue(env: Env, messageId: string, endpoints: boolean | undefined): Promise<boolean> {
  try {
    const job = deliveryJob(messageId, endpoints);
    await env.MESSAGES_QUEUE.send(job.body, { contentType: job.contentType });
    return true;
  } catch (error) {
    logger.with({ message_id: messageId }).error("enqueue_failed", { error });
    return false;
  }
}

/**
 * Asks the message's Durable Object to hand it off itself in a moment. Only
 * after a failed send, so the happy path makes no call for it; if this fails
 * too, the row is still `queued` and the reconciler re-enqueues it.
 */
async function redrive(env: Env, messageId: string): Promise<void> {
  try {
    await messageStatusStub(env, messageId).redrive(messageId);
  } catch (error) {
    logger.with({ message_id: messageId }).error("redrive_failed", { error });
  }
}

function suppressedRecipient({ channel, to }: CreateMessageInput): Result<never> {
  return fail(
    "to",
    "recipient_suppressed",
    `${to} is on your ${channel} suppression list (it opted out, bounced, complained or was added by you): see GET /v1/suppressions?channel=${channel}. Delete the suppression only if the recipient asked to hear from you again.`,
  );
}
