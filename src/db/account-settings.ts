// What an account changes of its own settings through the API (its country
// permissions, its inbound_callback, its per-recipient limit and its
// retention), and what the operator sets for it. Each write returns the
// account as stored, for the answer and for its gate.
import { eq, sql } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { GeoSetting } from "../domain/geo.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";

/**
 * Merges the changes into the stored overrides in one statement (JSON merge
 * patch: a null drops the country's override), so concurrent changes of
 * different countries both land.
 */
export async function patchGeoPermissions(db: Database, accountId: string, patch: Record<string, GeoSetting | null>): Promise<Account | undefined> {
  const [row] = await db
    .update(accounts)
    .set({ geoPermissions: sql`json_patch(coalesce(${accounts.geoPermissions}, '{}'), ${JSON.stringify(patch)})` })
    .where(eq(accounts.id, accountId))
    .returning();
  return row;
}

export type AccountSettings = Partial<
  Pick<
    Account,
    "inboundCallback" | "recipientLimitPerHour" | "retentionDays" | "verificationPrefixLimitPerHour" | "spendLimitDaily" | "spendLimitMonthly" | "usageAlerts"
  >
>;

/** What only the operator sets (`npm run keys`): a leaked key must not raise its own limits or open premium numbers. */
export type OperatorSettings = Partial<Pick<Account, "rateLimitRps" | "dailyMessageLimit" | "allowedNumberTypes">>;

export async function updateAccountSettings(db: Database, accountId: string, settings: AccountSettings | OperatorSettings): Promise<Account | undefined> {
  const [row] = await db.update(accounts).set(settings).where(eq(accounts.id, accountId)).returning();
  return row;
}
