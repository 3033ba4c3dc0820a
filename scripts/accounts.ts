// Account and key management shared by `npm run keys` and `npm run dev`. Keys
// and limits change through the Worker's own services (scripts/control.ts).
import { generateWebhookSecret, hashApiKey, parseApiKey } from "../src/auth/api-key.ts";
import { generateConsoleToken, hashConsoleToken, LINK_TTL_SECONDS } from "../src/auth/console-token.ts";
import { senders } from "../src/db/control-schema.ts";
import type { Mode } from "../src/domain/account.ts";
import { newId, unixSeconds } from "../src/domain/ids.ts";
import { accountLimits } from "../src/domain/limits.ts";
import { sandboxSenders } from "../src/domain/sandbox.ts";
import { createApiKey, revokeApiKey } from "../src/services/api-keys.ts";
import { changeOperatorSettings, findAccountNamed } from "../src/services/operator.ts";
import { newAccountStatement } from "./account-creation.ts";
import { scriptControl } from "./control.ts";
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
  executeSql(
    target,
    [inline([newAccountStatement({ id: newAccountId, name, mode, webhookSecret: generateWebhookSecret(), createdAt: now })]), ...starterSenders].join(";\n"),
  );
  const control = scriptControl(target);
  const found = await findAccountNamed(control, name);
  if (!found.ok)
    throw new Error('no message database is open for new accounts: open one with `npm run shards -- open N` (README, "Adding a message database")');
  const account = found.value;
  if (account.mode !== mode) throw new Error(`account '${name}' is a ${account.mode}-mode account; create a ${account.mode} key or use another account name`);
  // The key carries its account's id (a v3 key), so it is made once the account is known.
  const { secret } = await createApiKey(control, account, { name: "", permission: "full_access" });
  return { account: name, account_id: account.id, mode, key: secret, webhook_secret: account.webhookSecret };
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
export async function revokeKey(target: D1Target, keyIdOrPrefix: string, account?: string): Promise<StoredKey> {
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
  const control = scriptControl(target);
  const owner = await findAccountNamed(control, choice.revoke.account);
  if (!owner.ok) throw new Error(owner.problem.message);
  const revoked = await revokeApiKey(control, owner.value, choice.revoke.id);
  if (!revoked.ok) throw new Error(`key ${choice.revoke.id} was deleted meanwhile`);
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
export async function setLimits(target: D1Target, name: string, changes: LimitChanges): Promise<EffectiveLimits> {
  for (const [option, value] of Object.entries(changes)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 1_000_000)) {
      throw new Error(`--${option} must be a whole number from 1 to 1000000`);
    }
  }
  const control = scriptControl(target);
  const found = await findAccountNamed(control, name);
  if (!found.ok) throw new Error(found.problem.message);
  const account = await changeOperatorSettings(control, found.value, {
    ...(changes.rps === undefined ? {} : { rateLimitRps: changes.rps }),
    ...(changes.daily === undefined ? {} : { dailyMessageLimit: changes.daily }),
  });
  const limits = accountLimits(account);
  return {
    account: name,
    mode: account.mode,
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
