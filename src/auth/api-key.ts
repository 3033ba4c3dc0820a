// API key format and hashing, shared by the Worker and the keys command.
// A key is "sk_<mode>_v2_" + 48 hex chars (192 random bits). Only its SHA-256
// is stored; the visible prefix (first 8 random chars) finds the stored row.

import type { Mode } from "../domain/account.ts";
import { hex, sha256Hex } from "../domain/hash.ts";

const KEY_PATTERN = /^sk_(test|live)_v2_([0-9a-f]{48})$/;
const PREFIX_RANDOM_CHARS = 8;

export function generateApiKey(mode: Mode): string {
  return `sk_${mode}_v2_${hex(crypto.getRandomValues(new Uint8Array(24)))}`;
}

export interface ParsedKey {
  mode: Mode;
  prefix: string;
}

/** Parses a presented key; null when it is not shaped like one of ours. */
export function parseApiKey(key: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const mode = match[1] as Mode;
  return { mode, prefix: `sk_${mode}_v2_${match[2]!.slice(0, PREFIX_RANDOM_CHARS)}` };
}

export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** whsec_ + base64 of 32 random bytes, the Standard Webhooks secret format. */
export function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}
