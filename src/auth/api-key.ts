// API key format and hashing, shared by the Worker and the keys command.
// Only its SHA-256 is stored; the visible prefix (first 8 random chars) is
// what lists show (format below).

import type { Mode } from "../domain/account.ts";
import { hex, sha256Hex } from "../domain/hash.ts";

// v3: "sk_<mode>_v3_" + 48 hex chars (192 random bits) + the 32 hex chars of
// the account id, so a request finds its account's gate without a D1 read.
// v2 keys (issued before) carry no account and are found by their prefix.
const KEY_PATTERN = /^sk_(test|live)_(v2_[0-9a-f]{48}|v3_[0-9a-f]{48}[0-9a-f]{32})$/;
const PREFIX_RANDOM_CHARS = 8;
const RANDOM_HEX = 48;

export function generateApiKey(mode: Mode, accountId: string): string {
  return `sk_${mode}_v3_${hex(crypto.getRandomValues(new Uint8Array(RANDOM_HEX / 2)))}${accountId.replace(/^acct_/, "")}`;
}

export interface ParsedKey {
  mode: Mode;
  /** The visible start of the key, e.g. "sk_test_v3_1a2b3c4d": what lists show and how a v2 key finds its row. */
  prefix: string;
  /** The account a v3 key belongs to (unproven until its hash matches); null for a v2 key. */
  accountId: string | null;
}

/** Parses a presented key; null when it is not shaped like one of ours. */
export function parseApiKey(key: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const mode = match[1] as Mode;
  const [version, body] = [match[2]!.slice(0, 2), match[2]!.slice(3)];
  const accountId = version === "v3" ? `acct_${body.slice(RANDOM_HEX)}` : null;
  return { mode, prefix: `sk_${mode}_${version}_${body.slice(0, PREFIX_RANDOM_CHARS)}`, accountId };
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** whsec_ + base64 of 32 random bytes, the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
