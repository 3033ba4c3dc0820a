// What a message costs by the rate card: which rate prices it (its channel,
// its recipient's country and, on WhatsApp, its category) and how many units
// (an SMS's segments). A fallback message's price is the sum of its attempts
// handed to a provider, each priced as its step; until a step is handed off
// its price is an estimate (`estimated`), after it `final`.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Channel } from "./address.ts";
import { sendsMediaAsLinks } from "./media-content.ts";
import { type Price, type PriceKey, priceOf, type Rate, TEMPLATE_CATEGORIES, type TemplateCategory } from "./price.ts";

/** The recipient's country (ISO 3166-1 alpha-2) for a phone channel; null for email or a number of no country. */
export function countryOf(channel: Channel, to: string): string | null {
  if (channel === "email") return null;
  return parsePhoneNumberFromString(to)?.country ?? null;
}

/**
 * An SMS with files (`content.media`) is an MMS: one message at the card's MMS
 * rate, whatever its text's segments; unless its files go as links (an SMS,
 * priced by the segments of its text with the links).
 */
function isMms(to: string, content: Record<string, unknown> | null): boolean {
  const media = content?.media;
  return Array.isArray(media) && media.length > 0 && !sendsMediaAsLinks(to, content);
}

const sendsTemplate = (content: Record<string, unknown> | null) => content !== null && "template_id" in content;

/**
 * The rate a message or step is priced by. WhatsApp: a free-form text is a
 * `service` message (an answer within the customer's 24-hour window); a
 * template is priced by the category its WhatsApp body declares (the one Meta
 * approved it under), and as `marketing`, Meta's dearest, when it declares
 * none: the estimate is never below the bill.
 */
function priceKey(channel: Channel, to: string, content: Record<string, unknown> | null, category?: TemplateCategory): PriceKey {
  const country = countryOf(channel, to);
  if (channel === "whatsapp") return { kind: "whatsapp", country, category: sendsTemplate(content) ? (category ?? "marketing") : "service" };
  if (channel === "sms" && isMms(to, content)) return { kind: "mms", country, category: "" };
  return { kind: channel, country, category: "" };
}

/**
 * The rates a create asks its gate for, before its template is read: for a
 * WhatsApp template, the rate of each category it may declare.
 */
export function possiblePriceKeys(channel: Channel, to: string, content: Record<string, unknown> | null): PriceKey[] {
  if (channel !== "whatsapp" || !sendsTemplate(content)) return [priceKey(channel, to, content)];
  return TEMPLATE_CATEGORIES.map((category) => priceKey(channel, to, content, category));
}

/**
 * One step's price: the rate times its units (an SMS's segments, else 1); null when the card has no rate. A
 * WhatsApp template of a category the card has no rate for is priced as marketing, as one that declares none.
 */
function stepPrice(rates: readonly Rate[], accountId: string, key: PriceKey, segments: number | null): Price | null {
  const price = priceOf(rates, accountId, key, key.kind === "sms" ? (segments ?? 1) : 1);
  const declared = key.kind === "whatsapp" && key.category !== "service" && key.category !== "marketing";
  return price ?? (declared ? priceOf(rates, accountId, { ...key, category: "marketing" }, 1) : null);
}

export type PriceStatus = "estimated" | "final";

/** A message's price as the API shows it. */
export interface MessagePrice {
  /** Ten-thousandths; null when unpriced (no rate, or an inbound message). */
  price: number | null;
  priceUnit: string | null;
  priceStatus: PriceStatus | null;
}

export const UNPRICED: MessagePrice = { price: null, priceUnit: null, priceStatus: null };

/**
 * The price of a message whose steps are priced `stepPrices` (null: no rate):
 * the sum of the steps handed off, and, while the current step is not handed
 * off and the message is not over, that step's estimate. A message that ended
 * without a hand-off (canceled, expired, suppressed) costs 0.
 */
export function messagePrice(
  stepPrices: readonly (number | null)[],
  currency: string | null,
  progress: { handedOff: readonly boolean[]; step: number; over: boolean },
): MessagePrice {
  if (currency === null) return UNPRICED;
  const { handedOff, step, over } = progress;
  let total = 0;
  for (const [i, price] of stepPrices.entries()) if (handedOff[i] && price !== null) total += price;
  const final = over || handedOff[step] === true;
  if (!final) total += stepPrices[step] ?? 0;
  return { price: total, priceUnit: currency, priceStatus: final ? "final" : "estimated" };
}

/** A message or step as priced at create. */
export interface PricedStep {
  channel: Channel;
  to: string;
  content: Record<string, unknown> | null;
  segments: number | null;
  /** The category its template's WhatsApp body declares, if any. */
  category?: TemplateCategory;
}

/**
 * Each step's price by the card (null: no rate) and the currency of the
 * message's prices (null: no step has a rate). One card has one currency
 * (`npm run rates` refuses a second).
 */
export function stepPrices(
  rates: readonly Rate[],
  accountId: string,
  steps: readonly PricedStep[],
): { stepPrices: (number | null)[]; priceUnit: string | null } {
  const prices = steps.map((step) => stepPrice(rates, accountId, priceKey(step.channel, step.to, step.content, step.category), step.segments));
  const priceUnit = prices.find((price) => price !== null)?.currency ?? null;
  return { stepPrices: prices.map((price) => price?.amount ?? null), priceUnit };
}
