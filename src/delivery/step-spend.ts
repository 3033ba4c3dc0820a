// A fallback step's price counted in the account's spend (src/gate/gate-spend.ts)
// once the step is handed off: the create counted only its first step's
// estimate, and the step's cost is spent whether or not it passes a limit
// (limits refuse creates, not a hand-off already made). Its usage alerts fire
// as a create's do.
import type { Message } from "../domain/message.ts";
import { logger } from "../log.ts";

/**
 * Adds step `step`'s price to the account's day and month. Called once, after
 * the hand-off is recorded; a gate that cannot be reached leaves the count
 * short by this step (logged), never counts it twice. GET /v1/usage, from the
 * rollups, has it either way.
 */
export async function countStepSpend(env: Env, message: Message, step: number): Promise<void> {
  const price = message.stepPrices?.[step] ?? null;
  if (step === 0 || price === null || price === 0) return;
  try {
    await env.ACCOUNT_GATE.getByName(message.accountId).spend(message.accountId, price, message.priceUnit, false);
  } catch (error) {
    logger.warn("step_spend_not_counted", { account_id: message.accountId, message_id: message.id, step, error });
  }
}
