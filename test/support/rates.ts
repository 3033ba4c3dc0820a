// Rate-card lines for one account, stored as `npm run rates -- set --account`
// stores them (an override of the default card): a test never touches the
// default card, which every other test's account shares.
import { setRate } from "../../src/db/rates.ts";
import { parseAmount, type RateKind } from "../../src/domain/price.ts";
import type { TestAccount } from "./accounts.ts";
import { db } from "./db.ts";

export async function setAccountRate(account: TestAccount, kind: RateKind, country: string, price: string, currency = "USD", category = ""): Promise<void> {
  await setRate(db(), { accountId: account.id, kind, country, category, price: parseAmount(price)!, currency });
}

/** The price strings of messages summed independently of src/: as decimal fractions of 10^-4 from the digits. */
export function sumPrices(prices: string[]): string {
  const total = prices.reduce((sum, price) => {
    const [whole, fraction = ""] = price.split(".");
    return sum + BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, "0"));
  }, 0n);
  return `${total / 10_000n}.${String(total % 10_000n).padStart(4, "0")}`;
}
