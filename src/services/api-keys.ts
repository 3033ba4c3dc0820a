// The key operations of an account, one function each, shared by the API
// (/v1/api_keys) and the Console, so that every key change goes one way.
import { generateApiKey, hashApiKey, parseApiKey } from "../auth/api-key.ts";
import { findApiKeyRow, insertApiKey, listApiKeyRows, revokeApiKeyRow, rollApiKeyRow } from "../db/api-keys.ts";
import type { Page } from "../db/pagination.ts";
import type { Account } from "../domain/account.ts";
import { type ApiKey, type CreateApiKeyInput, keyStatus, type RollApiKeyInput } from "../domain/api-key.ts";
import type { Cursor } from "../domain/cursor.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import type { Control } from "./control.ts";

/** A key as just made: its secret is in this value only, never stored. */
export interface IssuedKey {
  key: ApiKey;
  secret: string;
}

async function issue(account: Account, name: string, permission: ApiKey["permission"]): Promise<IssuedKey> {
  const secret = generateApiKey(account.mode, account.id);
  const key: ApiKey = {
    id: newId("key"),
    accountId: account.id,
    prefix: parseApiKey(secret)!.prefix,
    hash: await hashApiKey(secret),
    name,
    permission,
    createdAt: unixSeconds(),
    revokedAt: null,
    lastUsedAt: null,
    expiresAt: null,
  };
  return { key, secret };
}

const missing = (id: string) => fail("id", "resource_missing", `No such api_key: '${id}'`);

export async function createApiKey(control: Control, account: Account, input: CreateApiKeyInput): Promise<IssuedKey> {
  const issued = await issue(account, input.name, input.permission);
  const key = await insertApiKey(control.db, issued.key);
  await control.tellGate(account.id, { keys: true });
  return { key, secret: issued.secret };
}

export async function findApiKey(control: Control, account: Account, id: string): Promise<Result<ApiKey>> {
  const key = await findApiKeyRow(control.db, account.id, id);
  return key ? succeed(key) : missing(id);
}

export function listApiKeys(control: Control, account: Account, limit: number, cursor: Cursor | null): Promise<Page<ApiKey>> {
  return listApiKeyRows(control.db, account.id, limit, cursor);
}

/** Stops the key at once; revoking a revoked key changes nothing and answers it as it is. */
export async function revokeApiKey(control: Control, account: Account, id: string): Promise<Result<ApiKey>> {
  const key = await revokeApiKeyRow(control.db, account.id, id, unixSeconds());
  if (!key) return missing(id);
  // The gate holds the account's keys: it drops them now, so the key fails on the very next request.
  await control.tellGate(account.id, { keys: true });
  return succeed(key);
}

/**
 * Issues a successor with the same name and permission; the old key keeps
 * working for `expires_in` seconds (0: it stops now). Only a key that works and
 * was not rolled before can be rolled: roll its successor instead.
 */
export async function rollApiKey(control: Control, account: Account, id: string, input: RollApiKeyInput): Promise<Result<IssuedKey>> {
  const old = await findApiKeyRow(control.db, account.id, id);
  if (!old) return missing(id);
  const now = unixSeconds();
  const status = keyStatus(old, now);
  if (status !== "active") {
    return fail("id", "api_key_not_active", `The api_key '${id}' is ${status === "expiring" ? "rolled already" : status}: only an active key can be rolled.`);
  }
  const successor = await issue(account, old.name, old.permission);
  const stored = await rollApiKeyRow(control.db, old, successor.key, now + input.expires_in);
  if (!stored) return fail("id", "api_key_not_active", `The api_key '${id}' was revoked or rolled meanwhile.`);
  await control.tellGate(account.id, { keys: true });
  return succeed({ key: stored, secret: successor.secret });
}
