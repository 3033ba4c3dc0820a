// Inbound messages: a reply reported by a provider's signed webhook, or
// simulated with a test key, is stored as a received message, applied to the
// suppression list when it is a stop or start word, and announced to the
// account's inbound_callback by the message's own Durable Object.
import { claimInboundReceipt } from "../db/inbound-receipts.ts";
import { findMessage, insertMessage } from "../db/messages.ts";
import { accountOfNumber, findSenderByAddress } from "../db/senders.ts";
import { messageDatabase } from "../db/shards.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { liftOptOut, suppress } from "../delivery/suppression-feed.ts";
import type { Account } from "../domain/account.ts";
import { idTimestampMs, newMessageId, unixSeconds } from "../domain/ids.ts";
import { type InboundInput, inboundMessage, inboundNumber, type SimulateInboundInput } from "../domain/inbound.ts";
import type { Message } from "../domain/message.ts";
import { placementOf, shardForNewMessage } from "../domain/placement.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { consentKeyword, suppressionKey } from "../domain/suppression.ts";
import { logger } from "../log.ts";
import type { InboundReport } from "../providers/provider.ts";
import type { Control } from "./control.ts";

/**
 * Stores the reply, applies STOP/START, and hands its message.received
 * callback to its object. A provider's report is claimed by its message id
 * first: a retried webhook gets the reply stored the first time, and applies
 * no keyword again (a replayed START must not lift a STOP sent after it).
 */
async function receive(env: Env, control: Control, account: Account, input: InboundInput, report?: InboundReport): Promise<Message> {
  // Receipts are in the control database; the reply goes to one of the account's write shards, as a create's message.
  const placement = placementOf(account);
  let id = newMessageId(shardForNewMessage(placement, false));
  let firstReport = true;
  if (report) {
    const claimed = await claimInboundReceipt(control.db, report.provider, report.providerMessageId, id, unixSeconds());
    firstReport = claimed === id;
    id = claimed;
  }
  const db = messageDatabase(env, placement, id);
  const stored = firstReport ? undefined : await findMessage(db, account.id, id);
  // An earlier report's request may have died before storing the row: this one stores it under the claimed id.
  const row = stored ?? inboundMessage(account, id, unixSeconds(idTimestampMs(id)), input);
  if (!stored) await insertMessage(db, row);
  if (firstReport) await applyKeyword(env, control, account, row);
  const { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt } = account;
  // Once per message: the object keeps the event it made the first time.
  await messageStatusStub(env, id).received(row, { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt, readAt: Date.now() });
  return row;
}

async function applyKeyword(env: Env, control: Control, account: Account, reply: Message): Promise<void> {
  const keyword = consentKeyword(String(reply.content.text ?? ""));
  const address = suppressionKey(reply.channel, reply.from);
  if (keyword === "stop")
    await suppress(env, control.db, { accountId: account.id, channel: reply.channel, address, reason: "opt_out", sourceMessageId: reply.id });
  if (keyword === "start") await liftOptOut(env, control.db, account.id, reply.channel, address);
}

/**
 * A reply reported by a provider, for the account holding the receiving number
 * as a proven sender. None does: dropped (the provider is answered all the
 * same, or it would retry), logged without the content or the numbers.
 */
export async function receiveFromProvider(env: Env, control: Control, report: InboundReport): Promise<Message | null> {
  const channel = report.provider === "twilio" ? "sms" : "whatsapp";
  const number = await accountOfNumber(control.db, channel, inboundNumber(channel, report.to), report.phoneNumberId);
  if (!number) {
    logger.warn("inbound_for_unknown_number", { provider: report.provider, provider_message_id: report.providerMessageId });
    return null;
  }
  return receive(env, control, number.account, { channel, to: number.address, from: inboundNumber(channel, report.from), text: report.text }, report);
}

/** A reply simulated with a test key: to one of the account's own senders, through the same path. */
export async function simulateInbound(env: Env, control: Control, account: Account, input: SimulateInboundInput): Promise<Result<Message>> {
  const sender = await findSenderByAddress(control.db, account.id, input.channel, input.to);
  if (!sender) {
    return fail(
      "to",
      "resource_missing",
      `'${input.to}' is not one of your ${input.channel} senders: a reply must reach one of your numbers (GET /v1/senders).`,
    );
  }
  return succeed(await receive(env, control, account, input));
}
