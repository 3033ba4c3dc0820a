// Inbound messages: a reply reported by a provider's signed webhook, or
// simulated with a test key, is stored as a received message, applied to the
// suppression list when it is a stop or start word, and announced to the
// account's inbound_callback by the message's own Durable Object.
import { database } from "../db/client.ts";
import { insertMessage } from "../db/messages.ts";
import { accountOfNumber, findSenderByAddress } from "../db/senders.ts";
import { messageStatusStub } from "../delivery/message-status.ts";
import { liftOptOut, suppress } from "../delivery/suppression-feed.ts";
import type { Account } from "../domain/account.ts";
import { idTimestampMs, newId, unixSeconds } from "../domain/ids.ts";
import { type InboundInput, inboundMessage, inboundNumber, type SimulateInboundInput } from "../domain/inbound.ts";
import type { Message } from "../domain/message.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { consentKeyword, suppressionKey } from "../domain/suppression.ts";
import { logger } from "../log.ts";
import type { InboundReport } from "../providers/provider.ts";

/** Stores the reply, applies STOP/START, and hands its message.received callback to its object. */
async function receive(env: Env, account: Account, input: InboundInput): Promise<Message> {
  const id = newId("msg");
  const row = inboundMessage(account, id, unixSeconds(idTimestampMs(id)), input);
  await insertMessage(database(env.DB), row);
  const keyword = consentKeyword(input.text);
  const address = suppressionKey(input.channel, input.from);
  if (keyword === "stop") await suppress(env, { accountId: account.id, channel: input.channel, address, reason: "opt_out", sourceMessageId: id });
  if (keyword === "start") await liftOptOut(env, account.id, input.channel, address);
  const { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt } = account;
  await messageStatusStub(env, id).received(row, { webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt, readAt: Date.now() });
  return row;
}

/**
 * A reply reported by a provider, for the account holding the receiving number
 * as a proven sender. None does: dropped (the provider is answered all the
 * same, or it would retry), logged without the content or the numbers.
 */
export async function receiveFromProvider(env: Env, report: InboundReport): Promise<Message | null> {
  const channel = report.provider === "twilio" ? "sms" : "whatsapp";
  const number = await accountOfNumber(database(env.DB), channel, inboundNumber(channel, report.to), report.phoneNumberId);
  if (!number) {
    logger.warn("inbound_for_unknown_number", { provider: report.provider, provider_message_id: report.providerMessageId });
    return null;
  }
  return receive(env, number.account, { channel, to: number.address, from: inboundNumber(channel, report.from), text: report.text });
}

/** A reply simulated with a test key: to one of the account's own senders, through the same path. */
export async function simulateInbound(env: Env, account: Account, input: SimulateInboundInput): Promise<Result<Message>> {
  const sender = await findSenderByAddress(database(env.DB), account.id, input.channel, input.to);
  if (!sender) {
    return fail(
      "to",
      "resource_missing",
      `'${input.to}' is not one of your ${input.channel} senders: a reply must reach one of your numbers (GET /v1/senders).`,
    );
  }
  return succeed(await receive(env, account, input));
}
