// API key authentication: "Authorization: Basic base64(<key>:)" (curl -u key:)
// or "Authorization: Bearer <key>". The key's hash is compared in constant time.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { hashApiKey, type ParsedKey, parseApiKey } from "../auth/api-key.ts";
import { activeKeysQuery, type KeyCandidate } from "../db/accounts.ts";
import { database, type Database } from "../db/client.ts";
import { createReadsQuery } from "../db/messages.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { createMessageSchema } from "../domain/message.ts";
import { readsForCreate } from "../services/messages.ts";
import { validBody } from "./body.ts";
import { type AppEnv, isMessageCreate } from "./context.ts";
import { errors } from "./errors.ts";

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
  const alongside = await createReadsAlongside(c, db, parsed);
  const [candidates, ...results] = await db.batch([activeKeysQuery(db, parsed.prefix), ...(alongside?.statements ?? [])]);
  const match = (candidates as KeyCandidate[]).find((candidate) => timingSafeEqualStrings(hash, candidate.hash));
  if (!match || match.account.mode !== parsed.mode) throw invalid();
  c.set("account", match.account);
  c.set("apiKeyId", match.keyId);
  if (alongside) c.set("createReads", alongside.results(results, match.account.id));
  await next();
});

/**
 * A message create's own reads (its template, its sender or default pool) ride
 * in the key lookup's D1 round trip: the hot path's one round trip fewer. They
 * are made before the key is verified, so scoped to the accounts of the key's
 * prefix, and narrowed to the account the key proves. A body that does not
 * validate reads nothing: its handler answers the 400 once the key is checked.
 */
async function createReadsAlongside(c: Context<AppEnv>, db: Database, key: ParsedKey) {
  if (!isMessageCreate(c)) return null;
  const input = await validBody(c.req.raw, createMessageSchema).catch(() => null);
  if (!input) return null;
  const reads = createReadsQuery(db, { keyPrefix: key.prefix }, readsForCreate(input, key.mode));
  return reads.statements.length > 0 ? reads : null;
}
