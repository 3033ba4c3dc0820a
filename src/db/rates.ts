// The rate card in the control database (src/domain/price.ts): the default
// card and per-account overrides, loaded whole into each account's gate.
import { and, asc, eq, inArray } from "drizzle-orm";
import { DEFAULT_CARD, type Rate } from "../domain/price.ts";
import type { Database } from "./client.ts";
import { rates } from "./control-schema.ts";

/** The account's overrides and the default card: what prices its messages. */
export function accountRatesQuery(db: Database, accountId: string) {
  return db
    .select()
    .from(rates)
    .where(inArray(rates.accountId, [DEFAULT_CARD, accountId]));
}

/** Sets (or replaces) one rate. */
export async function setRate(db: Database, rate: Rate): Promise<void> {
  const { price, currency } = rate;
  await db
    .insert(rates)
    .values(rate)
    .onConflictDoUpdate({ target: [rates.accountId, rates.kind, rates.country, rates.category], set: { price, currency } });
}

/** A card (the default one, or an account's overrides) in order. */
export async function listRates(db: Database, accountId: string): Promise<Rate[]> {
  return db
    .select()
    .from(rates)
    .where(and(eq(rates.accountId, accountId)))
    .orderBy(asc(rates.kind), asc(rates.country), asc(rates.category));
}
