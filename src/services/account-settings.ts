// An account's own settings, changed through the API; its gate holds the
// account (a create's checks read them there), so it is told at once.
import { type AccountSettings, patchGeoPermissions, updateAccountSettings } from "../db/account-settings.ts";
import type { Account } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { type GeoOverrides, overridePatch } from "../domain/geo.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { Control } from "./control.ts";

export async function changeGeoPermissions(control: Control, account: Account, changes: GeoOverrides): Promise<Account> {
  const updated = await patchGeoPermissions(control.db, account.id, overridePatch(changes));
  await control.tellGate(account.id, { account: true });
  // The account is the key's: it exists (a deleted one would have failed the key check).
  return updated ?? account;
}

/**
 * Changes the settings given, in one write ("" as inbound_callback removes
 * it); the inbound_callback URL rules are status_callback's, for the
 * account's mode.
 */
export async function changeAccountSettings(control: Control, account: Account, settings: AccountSettings): Promise<Result<Account>> {
  const url = settings.inboundCallback;
  const problem = url ? callbackUrlProblem(url, account.mode) : null;
  if (problem) return fail("inbound_callback", "parameter_invalid", `Invalid inbound_callback: ${problem}.`);
  // A usage alert's url takes the same rules: it is posted to as a status callback is.
  for (const [i, alert] of (settings.usageAlerts ?? []).entries()) {
    const alertProblem = callbackUrlProblem(alert.url, account.mode);
    if (alertProblem) return fail(`usage_alerts[${i}][url]`, "parameter_invalid", `Invalid usage_alerts[${i}][url]: ${alertProblem}.`);
  }
  if (Object.keys(settings).length === 0) return succeed(account);
  const updated = await updateAccountSettings(control.db, account.id, { ...settings, ...(url === "" ? { inboundCallback: null } : {}) });
  // The gate holds the account: a create's checks and inbound messages read it there.
  await control.tellGate(account.id, { account: true });
  return succeed(updated ?? account);
}
