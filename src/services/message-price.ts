// A create's price and spend: the estimate from the card's rates the gate
// answered (src/domain/price-message.ts), and the account's spend limits,
// checked and counted by its gate (src/gate/spend-store.ts).
import type { Account } from "../domain/account.ts";
import type { FallbackStep } from "../domain/delivery-controls.ts";
import type { CreateMessageInput } from "../domain/message.ts";
import { formatAmount, type PriceKey, type Rate } from "../domain/price.ts";
import { countryOf, possiblePriceKeys, stepPrices } from "../domain/price-message.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { renderedSize } from "../domain/segments.ts";
import { spendWatched } from "../domain/spend.ts";
import type { Template } from "../domain/template.ts";
import type { Charge, SpendWindows } from "../gate/spend-store.ts";
import { logger } from "../log.ts";

/** What prices a create's message and each of its steps: asked of the gate with the create's reads. */
export function priceKeys(input: CreateMessageInput): PriceKey[] {
  const own = possiblePriceKeys(input.channel, input.to, input.content);
  return [...own, ...(input.fallback ?? []).flatMap((step) => possiblePriceKeys(step.channel, step.to, step.sends))];
}

/**
 * The pricing columns of a prepared message: its country, each step's price and the message's estimate.
 * `template`: the one template the create read (the message's and its steps'), whose WhatsApp category prices them.
 */
export function pricing(
  account: Account,
  input: CreateMessageInput,
  segments: number | null,
  steps: FallbackStep[] | null,
  rates: readonly Rate[],
  template: Template | undefined,
) {
  const category = template?.whatsapp?.category;
  const priced = stepPrices(rates, account.id, [
    { channel: input.channel, to: input.to, content: input.content, segments, category },
    ...(steps ?? []).map((step) => ({
      channel: step.channel,
      to: step.to,
      content: step.content ?? input.content,
      segments: step.rendered ? (renderedSize(step.rendered)?.segments ?? null) : null,
      category,
    })),
  ]);
  const price = priced.priceUnit === null ? null : (priced.stepPrices[0] ?? 0);
  return {
    country: countryOf(input.channel, input.to),
    stepPrices: priced.priceUnit === null ? null : priced.stepPrices,
    price,
    priceUnit: priced.priceUnit,
    priceStatus: priced.priceUnit === null ? null : ("estimated" as const),
  };
}

/** A spend counted by the gate, to give back if the message is not stored. */
export interface SpendCharge {
  amount: number;
  windows: SpendWindows;
}

/** The create's answer when its estimate would pass a limit. */
function limitReached(price: number, charge: Extract<Charge, { kind: "limit_reached" }>): Result<never> {
  const which = charge.window === "day" ? "daily" : "monthly";
  return fail(
    "",
    "spend_limit_reached",
    `This message's estimated price (${formatAmount(price)}) would pass the account's ${which} spend limit (spend_limits[${which}] = ${formatAmount(charge.limit)}; spent so far: ${formatAmount(charge.spent[charge.window])}). Raise the limit with POST /v1/account, or wait for the next UTC ${charge.window}.`,
  );
}

const charged = (price: number, charge: Charge | null): Result<SpendCharge | null> => {
  if (!charge) return succeed(null);
  if (charge.kind === "limit_reached") return limitReached(price, charge);
  return succeed({ amount: price, windows: charge.windows });
};

/**
 * Counts the create's estimated price against the account's spend limits, in
 * its gate; a `spend_limit_reached` problem when it would pass one. Only for
 * an account with limits or alerts: the others' creates make no call.
 */
export async function chargeSpend(env: Env, account: Account, price: number | null, currency: string | null): Promise<Result<SpendCharge | null>> {
  if (!spendWatched(account) || price === null || price === 0) return succeed(null);
  return charged(price, await env.ACCOUNT_GATE.getByName(account.id).spend(account.id, price, currency));
}

/**
 * A batch's items (null: not to be created), each charged as chargeSpend
 * charges a single create's, in order, in one gate call (none for an account
 * without limits or alerts).
 */
export async function chargeItems(
  env: Env,
  account: Account,
  items: ({ price: number | null; priceUnit: string | null } | null)[],
): Promise<Result<SpendCharge | null>[]> {
  const asked = items.map((item) => (item && item.price !== null && item.price !== 0 ? { amount: item.price, currency: item.priceUnit } : null));
  if (!spendWatched(account) || asked.every((item) => item === null)) return items.map(() => succeed(null));
  const charges = await env.ACCOUNT_GATE.getByName(account.id).spendItems(account.id, asked);
  return asked.map((item, i) => (item ? charged(item.amount, charges[i] ?? null) : succeed(null)));
}

/** Gives a charge back: its message was not stored. */
export async function refundSpend(env: Env, account: Account, charge: SpendCharge | null): Promise<void> {
  await refundAll(env, account, charge ? [charge] : []);
}

/** Gives back the charges of messages not stored, in one gate call (none when there are none). */
export async function refundAll(env: Env, account: Account, charges: readonly SpendCharge[]): Promise<void> {
  if (charges.length === 0) return;
  try {
    await env.ACCOUNT_GATE.getByName(account.id).refundItems([...charges]);
  } catch (error) {
    logger.warn("spend_refund_failed", { account_id: account.id, error });
  }
}
