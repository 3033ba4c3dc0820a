// The rate card (`npm run rates`): the operator sets the default card's rates
// and any account's overrides, one line at a time or from a CSV file. One
// currency per card: an account's prices, spend limits and usage add up only
// in one. Gates read the card with the account, so a change reaches creates
// when each gate reloads (within 10 s, src/gate/account-gate.ts).
import { listRates, setRate } from "../db/rates.ts";
import { ANY_COUNTRY, CURRENCY, DEFAULT_CARD, parseAmount, RATE_KINDS, type Rate, type RateKind, WHATSAPP_CATEGORIES } from "../domain/price.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { Control } from "./control.ts";
import { findAccountNamed } from "./operator.ts";

/** A rate as the operator writes it (a CLI line or a CSV row). */
export interface RateInput {
  channel: string;
  country?: string;
  category?: string;
  price: string;
  currency?: string;
}

const COUNTRY = /^[A-Z]{2}$/;

/** The line checked and in the card's form; a message naming what is wrong. */
function parseRate(input: RateInput, accountId: string): Result<Rate> {
  const kind = input.channel.toLowerCase() as RateKind;
  if (!RATE_KINDS.includes(kind)) return fail("channel", "parameter_invalid", `channel must be one of ${RATE_KINDS.join(", ")}`);
  const country = (input.country ?? ANY_COUNTRY).toUpperCase();
  if (country !== ANY_COUNTRY && !COUNTRY.test(country)) return fail("country", "parameter_invalid", "country must be an ISO 3166-1 alpha-2 code or *");
  const category = (input.category ?? "").toLowerCase();
  if (kind === "whatsapp" ? !(WHATSAPP_CATEGORIES as readonly string[]).includes(category) : category !== "") {
    return fail("category", "parameter_invalid", `category: WhatsApp rates need one of ${WHATSAPP_CATEGORIES.join(", ")}; other channels take none`);
  }
  const price = parseAmount(input.price);
  if (price === null) return fail("price", "parameter_invalid", "price must be a decimal with at most 4 places, e.g. 0.0079");
  const currency = (input.currency ?? "USD").toUpperCase();
  if (!CURRENCY.test(currency)) return fail("currency", "parameter_invalid", "currency must be an ISO 4217 code, e.g. USD");
  return succeed({ accountId, kind, country, category, price, currency });
}

/** The card's id for `account` (an account's name), or the default card's. */
async function cardOf(control: Control, account: string | undefined): Promise<Result<string>> {
  if (account === undefined) return succeed(DEFAULT_CARD);
  const found = await findAccountNamed(control, account);
  return found.ok ? succeed(found.value.id) : found;
}

/** Sets the rates of one card (all or none), refusing a second currency in it. */
export async function setRates(control: Control, account: string | undefined, inputs: RateInput[]): Promise<Result<Rate[]>> {
  const card = await cardOf(control, account);
  if (!card.ok) return card;
  const parsed: Rate[] = [];
  for (const [i, input] of inputs.entries()) {
    const rate = parseRate(input, card.value);
    if (!rate.ok) return fail(rate.problem.param, rate.problem.code, `line ${i + 1}: ${rate.problem.message}`);
    parsed.push(rate.value);
  }
  const currencies = new Set([...(await listRates(control.db, card.value)), ...parsed].map((rate) => rate.currency));
  if (currencies.size > 1) return fail("currency", "parameter_invalid", `a card has one currency; this one would have ${[...currencies].join(", ")}`);
  for (const rate of parsed) await setRate(control.db, rate);
  return succeed(parsed);
}

/** A card's rates, in order. */
export async function cardRates(control: Control, account: string | undefined): Promise<Result<Rate[]>> {
  const card = await cardOf(control, account);
  return card.ok ? succeed(await listRates(control.db, card.value)) : card;
}

/** Rows of a CSV card: a header naming channel, country, category, price and currency (in any order), one rate a line; # starts a comment. */
export function csvRates(text: string): Result<RateInput[]> {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const [header, ...rows] = lines.map((line) => line.split(",").map((cell) => cell.trim()));
  if (!header?.includes("channel") || !header.includes("price"))
    return fail("file", "parameter_invalid", "the first line must name the columns: channel,country,category,price,currency");
  return succeed(rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] === "" ? undefined : cells[i]])) as unknown as RateInput));
}
