// API key authentication: "Authorization: Basic base64(<key>:)" (curl -u key:)
// or "Authorization: Bearer <key>". Only the key's SHA-256 is stored. Every
// route compares it in constant time, except POST /v1/messages, which matches
// it in the statement that inserts the message (one D1 round trip instead of
// two); comparing digests leaks nothing a caller could use.
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { hashApiKey, parseApiKey, type PresentedKey } from "../auth/api-key.ts";
import { activeKeysByPrefix } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import type { AccountRow } from "../db/schema.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import type { AppEnv } from "./context.ts";
import { ApiError, errors } from "./errors.ts";

const HOW_TO =
  'Pass your API key as the HTTP Basic username with an empty password (curl -u sk_test_v2_...:) or as "Authorization: Bearer sk_test_v2_...".';

/** The key from the Authorization header, or null when none is given in a form we accept. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  // Exactly "<scheme> <credentials>": anything after the credentials makes the
  // header malformed rather than being silently dropped.
  const parts = header.trim().split(/\s+/);
  if (parts.length > 2) return null;
  const [scheme, credentials = ""] = parts;
  switch (scheme?.toLowerCase()) {
    case "bearer":
      return credentials || null;
    case "basic": {
      let decoded: string;
      try {
        decoded = atob(credentials);
      } catch {
        return null;
      }
      const username = decoded.split(":", 1)[0];
      return username || null;
    }
    default:
      return null;
  }
}

/** The key in the Authorization header, hashed; a 401 unless it is given in a form we accept and shaped like ours. */
export async function presentedApiKey(header: string | undefined): Promise<PresentedKey> {
  const key = presentedKey(header);
  if (key === null) {
    throw header
      ? errors.authentication("malformed_authorization", `The Authorization header is malformed. ${HOW_TO}`)
      : errors.authentication("missing_api_key", `No API key provided. ${HOW_TO}`);
  }
  const parsed = parseApiKey(key);
  if (!parsed) throw errors.invalidApiKey();
  return { ...parsed, hash: await hashApiKey(key) };
}

/** The account of the key, if the key is active and its account is in the key's mode; a 401 otherwise. */
export async function authenticatedAccount(env: Env, key: PresentedKey): Promise<AccountRow> {
  const candidates = await activeKeysByPrefix(database(env.DB), key.prefix);
  const match = candidates.find((candidate) => timingSafeEqualStrings(key.hash, candidate.hash));
  if (!match || match.account.mode !== key.mode) throw errors.invalidApiKey();
  return match.account;
}

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  c.set("account", await authenticatedAccount(c.env, await presentedApiKey(c.req.header("authorization"))));
  await next();
});

/**
 * For a route that checks its key in the same D1 statement as its write
 * (POST /v1/messages): runs the route's work, and when that fails with a
 * client error, checks the key on its own first, so that a bad key answers
 * 401 before anything about the request, as on every other route.
 */
export async function keyCheckedFirstOnError<T>(env: Env, key: PresentedKey, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const clientError = (error instanceof ApiError || error instanceof HTTPException) && error.status < 500 && error.status !== 401;
    if (clientError) await authenticatedAccount(env, key);
    throw error;
  }
}
