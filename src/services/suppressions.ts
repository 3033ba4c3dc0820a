// The suppression list through the API: add (or find) a recipient's
// suppression, remove one, read them. Each change reaches the account's gate,
// which answers the create's check (src/delivery/suppression-feed.ts).
import type { Page } from "../db/pagination.ts";
import { deleteSuppression, findSuppression, listSuppressions, type SuppressionFilters } from "../db/suppressions.ts";
import { suppress, suppressionLifted } from "../delivery/suppression-feed.ts";
import type { Account } from "../domain/account.ts";
import type { Cursor } from "../domain/cursor.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { CreateSuppressionInput, Suppression } from "../domain/suppression.ts";
import type { Control } from "./control.ts";

const missing = (id: string) => fail("id", "resource_missing", `No such suppression: '${id}'`);

/**
 * The recipient's suppression: new (created), or the one it already had,
 * whatever its reason. Added as every other suppression is (a STOP, a bounce),
 * by the suppression feed, which tells the gate.
 */
export async function createSuppression(
  env: Env,
  control: Control,
  account: Account,
  input: CreateSuppressionInput,
): Promise<Result<{ suppression: Suppression; created: boolean }>> {
  return succeed(await suppress(env, control.db, { accountId: account.id, ...input, sourceMessageId: null }));
}

/** Removes a suppression: the recipient may be messaged again (the feed tells the gate, as for a START reply). */
export async function removeSuppression(env: Env, control: Control, account: Account, id: string): Promise<Result<Suppression>> {
  const deleted = await deleteSuppression(control.db, account.id, id);
  if (!deleted) return missing(id);
  await suppressionLifted(env, deleted);
  return succeed(deleted);
}

export async function findAccountSuppression(control: Control, account: Account, id: string): Promise<Result<Suppression>> {
  const row = await findSuppression(control.db, account.id, id);
  return row ? succeed(row) : missing(id);
}

export function listAccountSuppressions(
  control: Control,
  account: Account,
  filters: SuppressionFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<Page<Suppression>> {
  return listSuppressions(control.db, account.id, filters, limit, cursor);
}
