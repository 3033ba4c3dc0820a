// Creating a message: the one place that decides what is stored and queued.
import { database } from "../db/client.ts";
import { type CreateReadResults, type CreateReads, insertMessage, readForCreate } from "../db/messages.ts";
import { deliveryJob } from "../delivery/job.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import type { Account, Mode } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { destinationProblem } from "../domain/geo.ts";
import { idTimestampMs, newId, unixSeconds } from "../domain/ids.ts";
import { type CreateMessageInput, type Message, renderDirect } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { pickSender, type Sender, senderFrom, senderKey } from "../domain/sender.ts";
import { renderTemplate, type Template } from "../domain/template.ts";
import { logger } from "../log.ts";

/** The reads a create of this input needs besides the account. */
export function readsForCreate(input: CreateMessageInput, mode: Mode): CreateReads {
  const { channel, from } = input;
  // Test keys may send from any well-formed address, so only live keys look a given `from` up.
  const needsSenders = from === undefined || mode === "live";
  return {
    templateId: "template_id" in input.content ? input.content.template_id : undefined,
    senders: needsSenders ? { channel, address: from === undefined ? undefined : senderKey(channel, from) } : undefined,
  };
}

export interface CreateOptions {
  /** The reads of readsForCreate, when made already (the API made them with the key lookup, see src/http/auth.ts). */
  reads?: CreateReadResults;
  /** The message's id, when one was reserved for it (by its Idempotency-Key); new otherwise. */
  id?: string;
}

/** Stores the message and queues its delivery; a problem naming the param at fault when the input cannot be sent as given. */
export async function createMessage(env: Env, account: Account, input: CreateMessageInput, options: CreateOptions = {}): Promise<Result<Message>> {
  if (input.statusCallback !== undefined) {
    const problem = callbackUrlProblem(input.statusCallback, account.mode);
    if (problem) return fail("status_callback", "parameter_invalid", `Invalid status_callback: ${problem}.`);
  }
  // From the account the gate holds: no read of its own.
  const blocked = destinationProblem(account, input.channel, input.to);
  if (blocked) return { ok: false, problem: blocked };
  const db = database(env.DB);
  const { channel } = input;
  const reads = options.reads ?? (await readForCreate(db, account.id, readsForCreate(input, account.mode)));
  const rendered = render(input, reads.template);
  if (!rendered.ok) return rendered;
  const sentFrom = sender(account, input, reads.senders);
  if (!sentFrom.ok) return sentFrom;
  const id = options.id ?? newId("msg");
  const createdAt = unixSeconds(idTimestampMs(id));
  const row: Message = {
    id,
    accountId: account.id,
    mode: account.mode,
    channel,
    to: input.to,
    from: sentFrom.value,
    content: input.content,
    rendered: rendered.value,
    statusCallback: input.statusCallback ?? null,
    status: "queued",
    errorCode: null,
    errorMessage: null,
    // The id's own timestamp, so filtering on created_at is filtering on id.
    createdAt,
    deliveredAt: null,
    providerLatencyMs: null,
    // The create's own choice wins over its template's default.
    contentRetention: input.contentRetention ?? reads.template?.contentRetention ?? "retain",
    redactedAt: null,
    updatedAt: createdAt,
  };
  // The row and its job go out at once, and the 201 waits for both: a create
  // costs one round trip after the gate, not two, and a Worker that dies
  // after the insert has already sent the job. A job that arrives before its
  // row is committed is retried by the consumer; one whose insert failed
  // finds no message and is dropped, so nothing is sent for a failed create.
  // If the send fails, the message's object hands it off within seconds (redrive).
  const queued = enqueue(env, row.id);
  await insertMessage(db, row);
  if (!(await queued)) await redrive(env, row.id);
  return succeed(row);
}

/** Hands the message's job to the Queue; false, logged, when the send failed. */
async function enqueue(env: Env, messageId: string): Promise<boolean> {
  try {
    const job = deliveryJob(messageId);
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

function render({ channel, content }: CreateMessageInput, template: Template | undefined): Result<RenderedContent> {
  if (!("template_id" in content)) return succeed(renderDirect(channel, content)!);
  if (!template) {
    return fail("content[template_id]", "resource_missing", `No such template: '${content.template_id}'. Create it with POST /v1/templates.`);
  }
  const result = renderTemplate(template, channel, content.variables);
  return "problem" in result ? { ok: false, problem: result.problem } : succeed(result.rendered);
}

/**
 * The message's `from`. `senders` holds, when `from` is given (and the key is
 * live), the channel's sender it names if there is one; without `from`, the
 * channel's default pool, from which the recipient's sticky sender is picked.
 */
function sender(account: Account, { channel, from, to }: CreateMessageInput, senders: Sender[]): Result<string> {
  if (from !== undefined) {
    if (account.mode === "test" || senders.length > 0) return succeed(from);
    return fail(
      "from",
      "resource_missing",
      `'${from}' is not one of your verified ${channel} senders. Add it with POST /v1/senders (channel=${channel}, address=${senderKey(channel, from)}) and verify it, or omit from to use your default ${channel} sender pool.`,
    );
  }
  const picked = pickSender(senders, to);
  if (!picked) {
    return fail(
      "from",
      "no_default_sender",
      `You have no default ${channel} sender: pass from, or add one with POST /v1/senders (channel=${channel}, address=<your number, sender id or email address>, default=true).`,
    );
  }
  return succeed(senderFrom(picked));
}
