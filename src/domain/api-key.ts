// API keys as the account sees them: a name, a permission, and a life that a
// roll can end after an overlap. The secret itself is never stored or shown
// again after its create or roll response.
import { z } from "zod";
import type { Mode } from "./account.ts";
import { HEADER_SAFE, HEADER_SAFE_RULE } from "./header-safe.ts";
import { wholeNumber } from "./whole-number.ts";

const PERMISSIONS = ["full_access", "sending_access"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** How long a rolled key may keep working beside its successor: at most a day. */
const MAX_ROLL_OVERLAP_SECONDS = 24 * 60 * 60;

export interface ApiKey {
  id: string;
  accountId: string;
  prefix: string;
  hash: string;
  name: string;
  permission: Permission;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  expiresAt: number | null;
}

export type KeyStatus = "active" | "expiring" | "expired" | "revoked";

export function keyStatus(key: Pick<ApiKey, "revokedAt" | "expiresAt">, now: number): KeyStatus {
  if (key.revokedAt !== null) return "revoked";
  if (key.expiresAt === null) return "active";
  return key.expiresAt > now ? "expiring" : "expired";
}

/** The body of POST /v1/api_keys. */
export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters").regex(HEADER_SAFE, HEADER_SAFE_RULE),
  permission: z.enum(PERMISSIONS).default("full_access"),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;

/** The body of POST /v1/api_keys/:id/roll. */
export const rollApiKeySchema = z.strictObject({
  expires_in: wholeNumber(0, MAX_ROLL_OVERLAP_SECONDS, `must be a whole number of seconds from 0 to ${MAX_ROLL_OVERLAP_SECONDS}`).default(0),
});
export type RollApiKeyInput = z.output<typeof rollApiKeySchema>;

/** The API's api_key object. */
export function toApiKeyObject(key: ApiKey, mode: Mode) {
  return {
    id: key.id,
    object: "api_key" as const,
    name: key.name,
    prefix: key.prefix,
    mode,
    permission: key.permission,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
  };
}
