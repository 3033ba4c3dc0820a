// Adding and lifting suppressions, for every path that does: the API, STOP
// and START replies, and the message objects (a bounce, a complaint, a
// provider's opted-out error). Each change is told to the account's gate,
// which answers a create's suppression check from its cache.
import type { Database } from "../db/client.ts";
import { deleteSuppressionWithReason, insertSuppression } from "../db/suppressions.ts";
import type { Channel } from "../domain/address.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import { type Suppression, type SuppressionReason, suppressionKey, suppressionReasonFor, toSuppressionObject } from "../domain/suppression.ts";
import { tellGate } from "../gate/account-gate.ts";
import { logger } from "../log.ts";

/** The source of a change made because the recipient is on the list (it must not add to the list again). */
export const SUPPRESSION_LIST = "suppression_list";
export const RECIPIENT_SUPPRESSED = {
  errorCode: "recipient_suppressed",
  errorMessage: "The recipient is on your suppression list (it opted out, bounced or complained since the message was created).",
};

export interface NewSuppression {
  accountId: string;
  channel: Channel;
  /** Normalized (suppressionAddress or suppressionKey). */
  address: string;
  reason: SuppressionReason;
  sourceMessageId: string | null;
}

/** Suppresses the recipient: the new suppression, or the one it already had (unchanged). */
export async function suppress(env: Env, controlDb: Database, input: NewSuppression): Promise<{ suppression: Suppression; created: boolean }> {
  const row: Suppression = { id: newId("sup"), ...input, createdAt: unixSeconds() };
  const result = await insertSuppression(controlDb, row);
  if (result.created) {
    await tellGate(env, input.accountId, {
      suppressions: [{ channel: input.channel, address: input.address, suppressed: true }],
      event: { accountId: input.accountId, type: "suppression.created", data: JSON.stringify(toSuppressionObject(result.suppression)) },
    });
  }
  return result;
}

/** Tells the gate that a suppression was removed (by id or by a START reply); its endpoints hear suppression.deleted. */
export async function suppressionLifted(env: Env, lifted: Suppression): Promise<void> {
  const { accountId, channel, address } = lifted;
  await tellGate(env, accountId, {
    suppressions: [{ channel, address, suppressed: false }],
    event: { accountId, type: "suppression.deleted", data: JSON.stringify(toSuppressionObject(lifted)) },
  });
}

/** A START reply: lifts the recipient's opt-out (not a bounce, a complaint or a manual suppression). */
export async function liftOptOut(env: Env, controlDb: Database, accountId: string, channel: Channel, address: string): Promise<boolean> {
  const lifted = await deleteSuppressionWithReason(controlDb, accountId, channel, address, "opt_out");
  if (lifted) await suppressionLifted(env, lifted);
  return lifted !== null;
}

/**
 * What a message's failure or report says about its recipient: a hard bounce,
 * a complaint, the provider's "opted out" (Twilio 21610). Never throws: a
 * suppression that could not be written is logged, and the delivery goes on.
 */
export async function suppressFromOutcome(
  env: Env,
  controlDb: Database,
  message: Message,
  errorCode: string | undefined,
  detail?: string,
  // The step the outcome is about: the message's own, or a fallback step's channel and address.
  recipient: { channel: Channel; to: string } = message,
): Promise<void> {
  const reason = suppressionReasonFor(errorCode, detail);
  if (!reason || message.direction === "inbound") return;
  try {
    const address = suppressionKey(recipient.channel, recipient.to);
    await suppress(env, controlDb, { accountId: message.accountId, channel: recipient.channel, address, reason, sourceMessageId: message.id });
  } catch (error) {
    logger.with({ message_id: message.id }).error("suppression_not_recorded", { reason, error });
  }
}
