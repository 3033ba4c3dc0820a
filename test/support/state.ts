// What an account has stored, row by row, for "a refused request stores
// nothing" checks: its account row (webhook secret), messages, templates,
// senders, suppressions, verifications, Idempotency-Key records, and its gate's durable state (the daily
// message counts, the Verify fraud guard's). Comparing whole rows, not counts, also catches an
// update that changed a row it should not have touched.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { accounts, apiKeys, senders, suppressions, templates } from "../../src/db/control-schema.ts";
import { idempotencyKeys, verifications } from "../../src/db/message-schema.ts";
import type { TestAccount } from "./accounts.ts";
import { accountMessageRows, db, onEveryShard } from "./db.ts";

/** Every table of the account's gate's SQLite storage (its daily counts), as rows. */
async function gateState(accountId: string): Promise<Record<string, unknown[]>> {
  return runInDurableObject(env.ACCOUNT_GATE.getByName(accountId), (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
      )
      .toArray();
    return Object.fromEntries(tables.map(({ name }) => [name, state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()]));
  });
}

/** Everything the account has stored. */
async function accountState(accountId: string) {
  const [account, keys, messageRows, templateRows, senderRows, idempotencyRows, limiter, suppressionRows, verificationRows] = await Promise.all([
    db().select().from(accounts).where(eq(accounts.id, accountId)),
    // A key's last_used_at records that it was used, refused request or not (as the key API shows it).
    db()
      .select({
        id: apiKeys.id,
        prefix: apiKeys.prefix,
        hash: apiKeys.hash,
        name: apiKeys.name,
        permission: apiKeys.permission,
        revokedAt: apiKeys.revokedAt,
        expiresAt: apiKeys.expiresAt,
      })
      .from(apiKeys)
      .where(eq(apiKeys.accountId, accountId)),
    accountMessageRows(accountId),
    db().select().from(templates).where(eq(templates.accountId, accountId)),
    db().select().from(senders).where(eq(senders.accountId, accountId)),
    onEveryShard((shardDb) => shardDb.select().from(idempotencyKeys).where(eq(idempotencyKeys.accountId, accountId))),
    gateState(accountId),
    db().select().from(suppressions).where(eq(suppressions.accountId, accountId)),
    onEveryShard((shardDb) => shardDb.select().from(verifications).where(eq(verifications.accountId, accountId))),
  ]);
  return {
    account,
    keys,
    messages: messageRows,
    templates: templateRows,
    senders: senderRows,
    idempotencyKeys: idempotencyRows,
    limiter,
    suppressions: suppressionRows,
    verifications: verificationRows,
  };
}

/**
 * Runs `action` and asserts that it stored nothing and changed nothing, for
 * `account` and for every account in `others` (another tenant must never be
 * touched by it either). Returns what `action` returned.
 */
export function expectNothingStored<T>(accountsToCheck: TestAccount | TestAccount[], action: () => Promise<T>): Promise<T> {
  return nothingStoredRun(Array.isArray(accountsToCheck) ? accountsToCheck : [accountsToCheck])(action);
}

/**
 * expectNothingStored for a run of requests that must each store nothing and
 * that nothing else writes for between them (the bad-input corpus): a
 * check's "after", once it passed, is the next check's "before", so a run
 * reads the accounts' state once per request instead of twice.
 */
export function nothingStoredRun(accountsToCheck: TestAccount[]) {
  const ids = accountsToCheck.map((account) => account.id);
  let passed: Awaited<ReturnType<typeof accountState>>[] | null = null;
  return async <T>(action: () => Promise<T>): Promise<T> => {
    const before = passed ?? (await Promise.all(ids.map(accountState)));
    passed = null;
    const result = await action();
    const after = await Promise.all(ids.map(accountState));
    expect(after, "nothing stored or changed").toEqual(before);
    passed = after;
    return result;
  };
}
