// Money, exactly: a price is a whole number of ten-thousandths of its
// currency's unit (4 decimal places, as Twilio states SMS prices), stored and
// summed as an integer and written as a decimal string ("0.0158") only at the
// API's edge. Never a float: 0.0079 * 2 in floating point is not 0.0158.
import { z } from "zod";

/** Ten-thousandths of a unit in one unit. */
const SCALE = 10_000;
const DECIMAL = /^(0|[1-9][0-9]{0,8})(\.[0-9]{1,4})?$/;

/** "0.0079" as 79; null when the text is not a non-negative decimal of at most 4 places (and below a billion). */
export function parseAmount(text: string): number | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? ".").slice(1).padEnd(4, "0");
  return Number(match[1]) * SCALE + Number(fraction);
}

/** 158 as "0.0158": always 4 places, as the API shows every price. */
export function formatAmount(amount: number): string {
  const sign = amount < 0 ? "-" : "";
  const whole = Math.abs(amount);
  return `${sign}${Math.floor(whole / SCALE)}.${String(whole % SCALE).padStart(4, "0")}`;
}

/** A price as a request gives it: a decimal string (JSON may give a number, whose text is taken as written). */
export const amountSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const amount = parseAmount(String(value));
  if (amount === null) {
    ctx.addIssue({ code: "custom", message: "must be a decimal amount with at most 4 decimal places, e.g. 10.50" });
    return z.NEVER;
  }
  return amount;
});

/** ISO 4217: three upper-case letters. */
export const CURRENCY = /^[A-Z]{3}$/;

/** What a rate prices: an SMS segment, an MMS, a WhatsApp message (per template category), an email. */
export const RATE_KINDS = ["sms", "mms", "whatsapp", "email"] as const;
export type RateKind = (typeof RATE_KINDS)[number];

/** The categories Meta approves a WhatsApp template under (its `category`, lower-case). */
export const TEMPLATE_CATEGORIES = ["marketing", "utility", "authentication"] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** WhatsApp's pricing categories (Meta's): a template's, and `service` for a free-form answer. */
export const WHATSAPP_CATEGORIES = [...TEMPLATE_CATEGORIES, "service"] as const;

/** Any country: the rate used where no country's own rate is set. */
export const ANY_COUNTRY = "*";
/** The operator's card, for every account: the account id of its rows. */
export const DEFAULT_CARD = "";

/** One line of a rate card. */
export interface Rate {
  /** The account it overrides the default card for, or DEFAULT_CARD. */
  accountId: string;
  kind: RateKind;
  /** ISO 3166-1 alpha-2, or ANY_COUNTRY. */
  country: string;
  /** WhatsApp: the template category; "" for the other kinds. */
  category: string;
  /** Ten-thousandths of the currency's unit. */
  price: number;
  currency: string;
}

/** What one message (or fallback step) is priced as. */
export interface PriceKey {
  kind: RateKind;
  /** null: no country (email). */
  country: string | null;
  category: string;
}

/**
 * The rate that prices `key` for the account: its own override before the
 * default card, and within each the country's own rate before ANY_COUNTRY.
 */
export function rateFor(rates: readonly Rate[], accountId: string, key: PriceKey): Rate | null {
  for (const card of [accountId, DEFAULT_CARD]) {
    for (const country of [key.country, ANY_COUNTRY]) {
      const found = rates.find((rate) => rate.accountId === card && rate.kind === key.kind && rate.country === country && rate.category === key.category);
      if (found) return found;
    }
  }
  return null;
}

/** The rates of `rates` that can price any of `keys` for the account (what a create needs of the card). */
export function ratesFor(rates: readonly Rate[], accountId: string, keys: readonly PriceKey[]): Rate[] {
  const found = keys.map((key) => rateFor(rates, accountId, key)).filter((rate) => rate !== null);
  return [...new Set(found)];
}

/** A price in ten-thousandths and its currency. */
export interface Price {
  amount: number;
  currency: string;
}

/** The price of a message of `key` taking `units` (an SMS's segments; 1 otherwise); null when the card has no rate for it. */
export function priceOf(rates: readonly Rate[], accountId: string, key: PriceKey, units: number): Price | null {
  const rate = rateFor(rates, accountId, key);
  return rate && { amount: rate.price * units, currency: rate.currency };
}
