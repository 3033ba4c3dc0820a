// Creating a message: the one place that decides what is stored and queued.
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../db/client.ts";
import { insertMessage } from "../db/messages.ts";
import type { AccountRow, MessageRow } from "../db/schema.ts";
import type { Channel } from "../domain/address.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { idTimestampMs, newId, unixSeconds } from "../domain/ids.ts";
import type { CreateMessageInput } from "../domain/message.ts";
import { renderDirect } from "../domain/rendered.ts";
import { errors } from "../http/errors.ts";

/** What the Queue carries: just the id; the consumer reads the rest from D1. */
export interface DeliveryJob {
  messageId: string;
}

export function deliveryJob(messageId: string): MessageSendRequest<DeliveryJob> {
  return { body: { messageId }, contentType: "json" };
}

function defaultSender(env: Env, channel: Channel): string {
  return { sms: env.DEFAULT_FROM_SMS, whatsapp: env.DEFAULT_FROM_WHATSAPP, email: env.DEFAULT_FROM_EMAIL }[channel];
}

/**
 * Stores the message, then queues it. `alsoWrite` statements (the
 * Idempotency-Key response) commit in the same D1 transaction as the row.
 */
export async function createMessage(
  env: Env,
  account: AccountRow,
  input: CreateMessageInput,
  alsoWrite: (row: MessageRow) => BatchItem<"sqlite">[] = () => [],
): Promise<MessageRow> {
  if (input.statusCallback !== undefined) {
    const problem = callbackUrlProblem(input.statusCallback, account.mode);
    if (problem) throw errors.invalidParam("status_callback", `Invalid status_callback: ${problem}.`);
  }
  const id = newId("msg");
  const createdAt = unixSeconds(idTimestampMs(id));
  const row: MessageRow = {
    id,
    accountId: account.id,
    mode: account.mode,
    channel: input.channel,
    to: input.to,
    from: input.from ?? defaultSender(env, input.channel),
    content: input.content,
    rendered: renderDirect(input.channel, input.content),
    statusCallback: input.statusCallback ?? null,
    status: "queued",
    errorCode: null,
    errorMessage: null,
    // The id's own timestamp, so filtering on created_at is filtering on id.
    createdAt,
    deliveredAt: null,
    providerLatencyMs: null,
    updatedAt: createdAt,
  };
  // The row is written before anything is queued: a 201 always means the
  // message is durably stored. If the send below fails (or the Worker dies
  // first), the row stays `queued` and the reconciler re-enqueues it.
  await insertMessage(database(env.DB), row, alsoWrite(row));
  try {
    const job = deliveryJob(row.id);
    await env.MESSAGES_QUEUE.send(job.body, { contentType: job.contentType });
  } catch (error) {
    console.error(JSON.stringify({ event: "enqueue_failed", message_id: row.id, error: String(error) }));
  }
  return row;
}
