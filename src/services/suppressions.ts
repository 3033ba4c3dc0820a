// The suppression list through the API: add (or find) a recipient's
// suppression, remove one. Each change reaches the account's gate, which
// answers the create's check (src/delivery/suppression-feed.ts).
import { database } from "../db/client.ts";
import { deleteSuppression } from "../db/suppressions.ts";
import { suppress, suppressionLifted } from "../delivery/suppression-feed.ts";
import type { Account } from "../domain/account.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { CreateSuppressionInput, Suppression } from "../domain/suppression.ts";

/** The recipient's suppression: new (created), or the one it already had, whatever its reason. */
export async function createSuppression(
  env: Env,
  account: Account,
  input: CreateSuppressionInput,
): Promise<Result<{ suppression: Suppression; created: boolean }>> {
  return succeed(await suppress(env, { accountId: account.id, ...input, sourceMessageId: null }));
}

/** Removes a suppression: the recipient may be messaged again. */
export async function removeSuppression(env: Env, account: Account, id: string): Promise<Result<Suppression>> {
  const deleted = await deleteSuppression(database(env.CONTROL_DB), account.id, id);
  if (!deleted) return fail("id", "resource_missing", `No such suppression: '${id}'`);
  await suppressionLifted(env, account.id, deleted.channel, deleted.address);
  return succeed(deleted);
}
