// Where an account's spend count starts: its gate counts spend only while the
// account has a spend limit or a usage alert (message-price.ts), so when one
// is saved the gate's counts for the current UTC day and month start from
// what the usage rollups already recorded (read once here, never on a
// create). A limit set at noon counts the morning's spend.
import type { Account } from "../domain/account.ts";
import { type Spent, spendWatched, windowOf } from "../domain/spend.ts";
import { accountUsage } from "./usage.ts";

/**
 * Reads the account's spend so far this day and month from its rollups and
 * gives it to its gate, which keeps the larger of that and its own count (a
 * second save does not count the day twice). A create stored between the
 * rollups' read and the gate's start is counted only if the gate saw it: the
 * bound is the creates in flight during the save. Throws when a database
 * cannot be read; the setting stands and saving it again starts the count.
 */
export async function startSpendCount(env: Env, account: Account, now = Date.now()): Promise<void> {
  if (!spendWatched(account)) return;
  const today = windowOf("day", now);
  const usage = await accountUsage(env, account, { start: `${windowOf("month", now)}-01`, end: today, groups: ["day"], metadataKey: null }, now);
  if (!usage.ok) throw new Error(`the month's usage could not be read: ${usage.problem.message}`);
  const recorded: Spent = { day: 0, month: 0 };
  for (const row of usage.value) {
    recorded.month += row.price;
    if (row.keys.day === today) recorded.day += row.price;
  }
  await env.ACCOUNT_GATE.getByName(account.id).startSpend(recorded);
}
