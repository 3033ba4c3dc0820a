// The account's webhook signing secret, rolled from the API or the Console.
import { generateWebhookSecret } from "../auth/api-key.ts";
import { rollWebhookSecret, setInboundCallback } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import type { Account } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { tellGate } from "../gate/account-gate.ts";

/** How long the old secret keeps signing after a roll. */
const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

export async function rollSigningSecret(env: Env, account: Account): Promise<Account> {
  const updated = await rollWebhookSecret(database(env.DB), account, generateWebhookSecret(), unixSeconds() + SECRET_OVERLAP_SECONDS);
  // The gate holds the account (its secret is what GET /v1/account answers).
  await tellGate(env, updated.id, { account: true });
  return updated;
}

/** Sets where inbound messages are posted ("" removes it); the URL rules are status_callback's, for the account's mode. */
export async function updateInboundCallback(env: Env, account: Account, url: string): Promise<Result<Account>> {
  const problem = url === "" ? null : callbackUrlProblem(url, account.mode);
  if (problem) return fail("inbound_callback", "parameter_invalid", `Invalid inbound_callback: ${problem}.`);
  const updated = await setInboundCallback(database(env.DB), account.id, url === "" ? null : url);
  // The gate holds the account, and inbound messages take the URL from it.
  await tellGate(env, updated.id, { account: true });
  return succeed(updated);
}
