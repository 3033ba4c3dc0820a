// API key authentication: "Authorization: Basic base64(<key>:)" (curl -u key:)
// or "Authorization: Bearer <key>". The key's hash is compared in constant time.
import { createMiddleware } from "hono/factory";
import { hashApiKey, parseApiKey } from "../auth/api-key.ts";
import { activeKeysQuery, type KeyCandidate } from "../db/accounts.ts";
import { touchApiKey } from "../db/api-keys.ts";
import { database } from "../db/client.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { unixSeconds } from "../domain/ids.ts";
import type { AppEnv } from "./context.ts";
import { errors } from "./errors.ts";
import { hooksOf, setOperationState } from "./operation-hooks.ts";

/** last_used_at is kept to the minute: one D1 write a minute per key at most, never one per request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

const HOW_TO = 'Pass your API key as the HTTP Basic username with an empty password (curl -u sk_test_v2_...:) or as "Authorization: Bearer sk_test_v2_...".';

/** The key from the Authorization header, or null when none is given in a form we accept. */
function presentedKey(header: string | undefined): string | null {
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

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const key = presentedKey(header);
  if (key === null) {
    throw header
      ? errors.authentication("malformed_authorization", `The Authorization header is malformed. ${HOW_TO}`)
      : errors.authentication("missing_api_key", `No API key provided. ${HOW_TO}`);
  }
  const parsed = parseApiKey(key);
  // Made only when thrown: an error captures a stack trace, which costs CPU on every request.
  const invalid = () => errors.authentication("invalid_api_key", "Invalid API key provided. Check the key, or create a new one.");
  if (!parsed) throw invalid();

  const hash = await hashApiKey(key);
  const db = database(c.env.DB);
  // The operation's own reads (a message create's template and senders) ride
  // in the key lookup's round trip: the hot path's one round trip fewer. A
  // body that does not validate reads nothing: its handler answers the 400.
  const { readWithKey, allowsSendingAccess } = hooksOf(c);
  const body = readWithKey
    ? await c
        .get("body")()
        .catch(() => null)
    : null;
  const alongside = readWithKey && body !== null ? await readWithKey(body, db, parsed) : null;
  const [candidates, ...results] = await db.batch([activeKeysQuery(db, parsed.prefix), ...(alongside?.statements ?? [])]);
  const match = (candidates as KeyCandidate[]).find((candidate) => timingSafeEqualStrings(hash, candidate.hash));
  if (!match || match.account.mode !== parsed.mode) throw invalid();
  if (match.permission !== "full_access" && !allowsSendingAccess) throw errors.permission(match.permission);
  const now = unixSeconds();
  if (match.lastUsedAt === null || now - match.lastUsedAt >= LAST_USED_RESOLUTION_SECONDS) {
    // Off the response path; a lost write only makes last_used_at a minute staler.
    c.executionCtx.waitUntil(touchApiKey(db, match.keyId, now, LAST_USED_RESOLUTION_SECONDS).catch(() => undefined));
  }
  c.set("account", match.account);
  c.set("apiKeyId", match.keyId);
  if (alongside) setOperationState(c, { prepared: alongside.prepared(results, match.account.id) });
  await next();
});
