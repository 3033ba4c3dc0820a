// Which key `npm run keys -- revoke` revokes. Pure (no D1, no Node), so it is
// tested on its own: the script reads the candidate rows, this picks one.
// A prefix (sk_live_v3_ + 8 hex digits, what `keys list` shows) is only 32
// bits: keys of different accounts can share one, and revoking "every key
// with this prefix" once revoked other tenants' keys. So exactly one key is
// revoked, named by its id, or by its prefix within one account; a prefix that
// matches keys in several accounts, or several keys, is refused.

export interface StoredKey {
  id: string;
  prefix: string;
  /** The account's name. */
  account: string;
  revoked_at: number | null;
}

export const KEY_ID = /^key_[0-9a-f]{32}$/;
export const KEY_PREFIX = /^sk_(test|live)_v[23]_[0-9a-f]{8}$/;

export type Revocation = { revoke: StoredKey } | { error: string };

/**
 * The one key `target` (a key id or a key prefix) names among `keys`, within
 * `account` when given; or why there is none. `keys` may hold any rows: those
 * that do not match are ignored.
 */
export function keyToRevoke(keys: readonly StoredKey[], target: string, account?: string): Revocation {
  const inAccount = account === undefined ? "" : ` in account '${account}'`;
  if (KEY_ID.test(target)) {
    const key = keys.find((candidate) => candidate.id === target);
    if (!key || (account !== undefined && key.account !== account)) return { error: `No key ${target}${inAccount}.` };
    if (key.revoked_at !== null) return { error: `Key ${target} is already revoked.` };
    return { revoke: key };
  }
  if (!KEY_PREFIX.test(target)) {
    return { error: "Give a key id (key_...) or a key prefix such as sk_live_v3_1a2b3c4d, as `keys list --account NAME` shows them." };
  }
  const matching = keys.filter(
    (candidate) => candidate.prefix === target && candidate.revoked_at === null && (account === undefined || candidate.account === account),
  );
  if (matching.length === 0) return { error: `No active key starts with ${target}${inAccount}.` };
  const accounts = [...new Set(matching.map((candidate) => candidate.account))].sort();
  if (accounts.length > 1) {
    return {
      error: `The prefix ${target} is ambiguous: it matches keys in several accounts (${accounts.join(", ")}). Nothing was revoked. Add --account NAME, or revoke by key id (see \`keys list --account NAME\`).`,
    };
  }
  if (matching.length > 1) {
    return {
      error: `The prefix ${target} matches ${matching.length} active keys of account '${accounts[0]}' (${matching.map((candidate) => candidate.id).join(", ")}). Nothing was revoked. Revoke one by its key id.`,
    };
  }
  return { revoke: matching[0]! };
}
