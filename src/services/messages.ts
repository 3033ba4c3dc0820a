// Creating a message: the one place that decides what is stored and queued.
import { database } from "../db/client.ts";
import { insertMessage } from "../db/messages.ts";
import type { AccountRow, MessageRow } from "../db/schema.ts";
import type { Channel } from "../domain/address.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { CreateMessageInput } from "../domain/message.ts";
import { renderDirect } from "../domain/rendered.ts";
import { errors } from "../http/errors.ts";

/** What the Queue carries: just the id; the consumer reads the rest from D1. */
export interface DeliveryJob {
  messageId: string;
}

function defaultSender(env: Env, channel: Channel): string {
  return { sms: env.DEFAULT_FROM_SMS, whatsapp: env.DEFAULT_FROM_WHATSAPP, email: env.DEFAULT_FROM_EMAIL }[channel];
}

export async function createMessage(env: Env, account: AccountRow, input: CreateMessageInput): Promise<MessageRow> {
  if (input.statusCallback !== undefined) {
    const problem = callbackUrlProblem(input.statusCallback, account.mode);
    if (problem) throw errors.invalidParam("status_callback", `Invalid status_callback: ${problem}.`);
  }
  // The row is written before anything is queued: a 201 always means the
  // message is durably stored. If the send below fails, the row stays
  // `queued` and the reconciler re-enqueues it.
  const row = await insertMessage(database(env.DB), {
    id: newId("msg"),
    accountId: account.id,
    mode: account.mode,
    channel: input.channel,
    to: input.to,
    from: input.from ?? defaultSender(env, input.channel),
    content: input.content,
    rendered: renderDirect(input.channel, input.content),
    statusCallback: input.statusCallback ?? null,
    status: "queued",
    createdAt: unixSeconds(),
  });
  try {
    await env.MESSAGES_QUEUE.send({ messageId: row.id } satisfies DeliveryJob, { contentType: "json" });
  } catch (error) {
    console.error(JSON.stringify({ event: "enqueue_failed", message_id: row.id, error: String(error) }));
  }
  return row;
}
