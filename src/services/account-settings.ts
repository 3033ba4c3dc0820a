// An account's own settings, changed through the API; its gate holds the
// account (a create's checks read them there), so it is told at once.
import { type AccountSettings, patchGeoPermissions, updateAccountSettings } from "../db/account-settings.ts";
import { database } from "../db/client.ts";
import type { Account } from "../domain/account.ts";
import { type GeoOverrides, overridePatch } from "../domain/geo.ts";
import { tellGate } from "../gate/account-gate.ts";

export async function changeGeoPermissions(env: Env, account: Account, changes: GeoOverrides): Promise<Account> {
  const updated = await patchGeoPermissions(database(env.DB), account.id, overridePatch(changes));
  await tellGate(env, account.id, { account: true });
  // The account is the key's: it exists (a deleted one would have failed the key check).
  return updated ?? account;
}

export async function changeAccountSettings(env: Env, account: Account, settings: AccountSettings): Promise<Account> {
  if (Object.keys(settings).length === 0) return account;
  const updated = await updateAccountSettings(database(env.DB), account.id, settings);
  await tellGate(env, account.id, { account: true });
  return updated ?? account;
}
