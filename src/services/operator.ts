// What the operator changes of an account that the account cannot change
// itself (`npm run keys -- limits | number-types`): its request rate, its
// daily cap, the number types it may message. A leaked key must not be able
// to raise its own limits or open the ranges SMS pumping pays out on.
import { type OperatorSettings, updateAccountSettings } from "../db/account-settings.ts";
import { findAccountByName } from "../db/accounts.ts";
import type { Account } from "../domain/account.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { Control } from "./control.ts";

/** The account the operator names (accounts have unique names; keys, ids). */
export async function findAccountNamed(control: Control, name: string): Promise<Result<Account>> {
  const account = await findAccountByName(control.db, name);
  return account ? succeed(account) : fail("account", "resource_missing", `no account named '${name}'`);
}

/** Sets the settings given (null: back to the default); the account as stored, which its gate reads again. */
export async function changeOperatorSettings(control: Control, account: Account, settings: OperatorSettings): Promise<Account> {
  if (Object.keys(settings).length === 0) return account;
  const updated = await updateAccountSettings(control.db, account.id, settings);
  await control.tellGate(account.id, { account: true });
  return updated ?? account;
}
