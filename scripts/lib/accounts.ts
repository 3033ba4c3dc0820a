// Account and key management shared by `npm run keys` and `npm run dev`.
import { generateApiKey, generateWebhookSecret, hashApiKey, parseApiKey } from "../../src/auth/api-key.ts";
import { generateConsoleToken, hashConsoleToken, LINK_TTL_SECONDS } from "../../src/auth/console-token.ts";
import { senders } from "../../src/db/control-schema.ts";
import type { Mode } from "../../src/domain/account.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";
import { accountLimits } from "../../src/domain/limits.ts";
import { sandboxSenders } from "../../src/domain/sandbox.ts";
import { newAccountStatement } from "./account-creation.ts";
import { type D1Target, executeSql, inline, insertOrIgnore, quote } from "./d1.ts";
import { KEY_ID, KEY_PREFIX, keyToRevoke, type StoredKey } from "./key-revocation.ts";

const ACCOUNT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface CreatedKey {
  account: string;
  account_id: string;
  mode: Mode;
  key: string;
  webhook_secret: string;
}

/**
 * Creates the account if it is new (a test-mode one with its sandbox senders),
 * then a key for it. The key is only ever seen here.
 */
export async function createKey(target: D1Target, name: string, mode: Mode): Promise<CreatedKey> {
  if (!ACCOUNT_NAME.test(name)) throw new Error("account names are 1-64 letters, digits, '_', '.' or '-'");
  const now = unixSeconds();
  const newAccountId = newId("acct");
  // Only an account this call created has the id it generated.
  const createdHere = `WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ${quote(newAccountId)})`;
  const starterSenders = mode === "test" ? sandboxSenders(newAccountId).map((row) => `${insertOrIgnore(senders, row)} ${createdHere}`) : [];
  const results = executeSql(
    target,
    [
      inline([newAccountStatement({ id: newAccountId, name, mode, webhookSecret: generateWebhookSecret(), createdAt: now })]),
      ...starterSenders,
      `SELECT id, mode, webhook_secret FROM accounts WHERE name = ${quote(name)}`,
    ].join(";\n"),
  );
  const row = results.at(-1)![0] as { id: string; mode: Mode; webhook_secret: string } | undefined;
  if (!row) throw new Error("no message database is open for new accounts: open one with `npm run shards -- open N` (docs/operations.md)");
  if (row.mode !== mode) throw new Error(`account '${name}' is a ${row.mode}-mode account; create a ${row.mode} key or use another account name`);
  // The key carries its account's id (a v3 key), so it is made once the account is known.
  const key = generateApiKey(mode, row.id);
  const { prefix } = parseApiKey(key)!;
  executeSql(
    target,
    `INSERT INTO api_keys (id, account_id, prefix, hash, created_at) VALUES (${quote(newId("key"))}, ${quote(row.id)}, ${quote(prefix)}, ${quote(await hashApiKey(key))}, ${now})`,
  );
  return { account: name, account_id: row.id, mode, key, webhook_secret: row.webhook_secret };
}

export interface KeyListing {
  id: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

export function listKeys(target: D1Target, name: string): KeyListing[] {
  const [rows] = executeSql(
    target,
    `SELECT k.id, k.prefix, k.created_at, k.revoked_at FROM api_keys k JOIN accounts a ON a.id = k.account_id
       WHERE a.name = ${quote(name)} ORDER BY k.created_at`,
  );
  return rows as unknown as KeyListing[];
}

/**
 * Revokes the one key that `target` names: a key id, or a key prefix (within
 * `account` when given). Throws, revoking nothing, when it names no active key
 * or is ambiguous (see keyToRevoke). Returns the key revoked.
 */
export function revokeKey(target: D1Target, keyIdOrPrefix: string, account?: string): StoredKey {
  if (!KEY_ID.test(keyIdOrPrefix) && !KEY_PREFIX.test(keyIdOrPrefix)) {
    throw new Error("give a key id (key_...) or a key prefix such as sk_live_v3_1a2b3c4d, as `keys list --account NAME` shows them");
  }
  const [rows] = executeSql(
    target,
    `SELECT k.id, k.prefix, a.name AS account, k.revoked_at FROM api_keys k JOIN accounts a ON a.id = k.account_id
       WHERE k.id = ${quote(keyIdOrPrefix)} OR k.prefix = ${quote(keyIdOrPrefix)}`,
  );
  const choice = keyToRevoke(rows as unknown as StoredKey[], keyIdOrPrefix, account);
  if ("error" in choice) throw new Error(choice.error);
  const [, [row]] = executeSql(
    target,
    `UPDATE api_keys SET revoked_at = unixepoch() WHERE id = ${quote(choice.revoke.id)} AND revoked_at IS NULL;
     SELECT changes() AS revoked`,
  );
  if (Number(row?.revoked ?? 0) !== 1) throw new Error(`key ${choice.revoke.id} was revoked meanwhile`);
  return choice.revoke;
}

/** Whether this exact key is stored and not revoked. */
export async function keyIsActive(target: D1Target, key: string): Promise<boolean> {
  const parsed = parseApiKey(key);
  if (!parsed) return false;
  const [rows] = executeSql(
    target,
    `SELECT 1 AS ok FROM api_keys WHERE prefix = ${quote(parsed.prefix)} AND hash = ${quote(await hashApiKey(key))} AND revoked_at IS NULL`,
  );
  return rows!.length > 0;
}

export interface LimitChanges {
  rps?: number;
  daily?: number;
}

export interface EffectiveLimits {
  account: string;
  mode: Mode;
  requests_per_second: number;
  burst: number;
  daily_messages_per_channel: number | null;
}

/** Sets the account's limit overrides (when given) and returns the limits now in force. */
export function setLimits(target: D1Target, name: string, changes: LimitChanges): EffectiveLimits {
  for (const [option, value] of Object.entries(changes)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 1_000_000)) {
      throw new Error(`--${option} must be a whole number from 1 to 1000000`);
    }
  }
  const updates = [
    changes.rps === undefined ? null : `rate_limit_rps = ${changes.rps}`,
    changes.daily === undefined ? null : `daily_message_limit = ${changes.daily}`,
  ].filter((update) => update !== null);
  const statements = [
    ...(updates.length > 0 ? [`UPDATE accounts SET ${updates.join(", ")} WHERE name = ${quote(name)}`] : []),
    `SELECT mode, rate_limit_rps, daily_message_limit FROM accounts WHERE name = ${quote(name)}`,
  ];
  const row = executeSql(target, statements.join(";\n")).at(-1)![0] as
    | { mode: Mode; rate_limit_rps: number | null; daily_message_limit: number | null }
    | undefined;
  if (!row) throw new Error(`no account named '${name}'`);
  const limits = accountLimits({ mode: row.mode, rateLimitRps: row.rate_limit_rps, dailyMessageLimit: row.daily_message_limit });
  return {
    account: name,
    mode: row.mode,
    requests_per_second: limits.bucket.ratePerSecond,
    burst: limits.bucket.capacity,
    daily_messages_per_channel: limits.dailyMessagesPerChannel,
  };
}

const EMAIL = /^[^\s@'"<>]{1,64}@[^\s@'"<>]{1,255}$/;

/**
 * A one-time Console sign-in link (15 minutes) for the account's user with
 * this email, adding the user if new. Only the token's hash is stored.
 */
export async function consoleLink(target: D1Target, account: string, email: string, origin: string): Promise<string> {
  const address = email.trim().toLowerCase();
  if (!EMAIL.test(address)) throw new Error("--email must be an email address");
  const token = generateConsoleToken();
  const accountId = `(SELECT id FROM accounts WHERE name = ${quote(account)})`;
  const user = `(SELECT id FROM console_users WHERE account_id = ${accountId} AND email = ${quote(address)})`;
  const results = executeSql(
    target,
    [
      `INSERT OR IGNORE INTO console_users (id, account_id, email, created_at)
         SELECT ${quote(newId("cu"))}, ${accountId}, ${quote(address)}, ${unixSeconds()} WHERE ${accountId} IS NOT NULL`,
      `INSERT INTO console_links (token_hash, user_id, expires_at)
         SELECT ${quote(await hashConsoleToken(token))}, ${user}, ${unixSeconds() + LINK_TTL_SECONDS} WHERE ${user} IS NOT NULL`,
      "SELECT changes() AS linked",
    ].join(";\n"),
  );
  if (Number(results.at(-1)![0]?.linked ?? 0) !== 1) throw new Error(`no account named '${account}'`);
  return `${origin.replace(/\/+$/, "")}/console/auth?token=${token}`;
}
