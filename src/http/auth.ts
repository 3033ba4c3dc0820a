// The API key guard's first step: the key, checked by the account's gate
// (src/gate/account-gate.ts) in one call that also applies the request rate
// and daily message limits and answers what the operation reads. Keys come as
// "Authorization: Basic base64(<key>:)" (curl -u key:) or "Authorization:
// Bearer <key>". Every authenticated response carries RateLimit-Limit (the
// bucket's size), RateLimit-Remaining and RateLimit-Reset (seconds until the
// bucket is full again).
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { z } from "zod";
import { hashApiKey, type ParsedKey, parseApiKey } from "../auth/api-key.ts";
import { activeKeysQuery } from "../db/accounts.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import type { ItemAdmission, ItemTaken } from "../gate/batch-admission.ts";
import { errors } from "./errors.ts";
import { idempotent } from "./idempotency.ts";
import type { GuardedEnv, GuardOptions } from "./operation-hooks.ts";

const HOW_TO = 'Pass your API key as the HTTP Basic username with an empty password (curl -u sk_test_v3_...:) or as "Authorization: Bearer sk_test_v3_...".';

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

/** Something new was stored (the daily slot is used): a 201 that is not an Idempotency-Key replay. */
const created = (response: Response) => response.status === 201 && !response.headers.has("Idempotent-Replayed");

/**
 * The API key guard of one route, declared in its `middleware`: the key is
 * proven by the account's gate, which also applies the rate and daily limits
 * and answers what the operation reads (`options.reads`), in one call; then
 * the Idempotency-Key. Nothing reads D1 for the request before the key is
 * proven, and every 401 comes before any 400 (the router validates the body
 * after this guard).
 */
export function apiKey<S extends z.ZodType<object> = z.ZodObject, Prepared = never>(
  options: GuardOptions<S, Prepared> = {},
): MiddlewareHandler<GuardedEnv<Prepared>> {
  const { body, reads, batchItems, dailyCappedChannel, allowsSendingAccess, testModeOnly } = options;
  if ((reads || batchItems) && !body) throw new Error("apiKey: reads needs the route's body");
  return createMiddleware<GuardedEnv<Prepared>>(async (c, next) => {
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
    const accountId = parsed.accountId ?? (await legacyKeyAccount(c, parsed, hash));
    if (!accountId) throw invalid();

    // What the operation reads (a message create's template and senders) comes
    // back with the admission, from the gate's cache. A body that does not
    // validate reads nothing: the router answers its 400 once the key is checked.
    const input = (reads || batchItems) && body ? await body.read(c.req.raw, c.get("body")).catch(() => null) : null;
    const plan = reads && input !== null ? reads(input, parsed.mode) : null;
    const raw = dailyCappedChannel
      ? await c
          .get("body")()
          .catch(() => null)
      : null;
    const gate = c.env.ACCOUNT_GATE.getByName(accountId);
    const admission = await gate.admit({
      accountId,
      keyHash: hash,
      mode: parsed.mode,
      // Read from the body before validation: a request that then fails creates nothing and gets its slot back.
      dailyCappedChannel: dailyCappedChannel && raw !== null ? dailyCappedChannel(raw) : null,
      reads: plan?.reads,
      recipient: plan?.recipient,
      verificationRecipient: plan?.verificationRecipient,
      items: batchItems && input !== null ? batchItems(input, parsed.mode) : undefined,
    });
    if (admission.kind === "invalid_key") throw invalid();
    if (admission.kind === "unavailable") throw new Error("the account's gate could not read D1");
    // sending_access keys may only create messages (routes say whether they allow it).
    if (admission.permission !== "full_access" && !allowsSendingAccess) throw errors.permission(admission.permission);
    c.set("account", admission.account);
    c.set("apiKeyId", admission.keyId);
    c.header("RateLimit-Limit", String(admission.limit));
    c.header("RateLimit-Remaining", String(admission.remaining));
    c.header("RateLimit-Reset", String(admission.resetSeconds));
    if (admission.kind === "rate_limited") throw errors.rateLimited(admission.retryAfterSeconds);
    const { daily } = admission;
    if (admission.kind === "daily_limited" && daily) throw errors.dailyLimitExceeded(daily.channel, daily.limit, admission.retryAfterSeconds);
    if (admission.kind === "recipient_limited") throw errors.recipientRateLimited(admission.retryAfterSeconds);
    if (admission.kind === "verification_limited")
      throw errors.verificationLimited(admission.refusal ?? "verification_rate_limited", admission.retryAfterSeconds);
    if (testModeOnly && admission.account.mode !== "test") throw errors.routeNotFound(c.req.method, c.req.path);
    c.set("prepared", plan && admission.reads ? plan.prepared(admission.reads) : undefined);
    c.set("batchItems", admission.items);

    const replay = await idempotent(c, options, next);
    if (replay) c.res = replay;
    if (daily && !created(c.res)) await gate.release(daily.day, daily.channel);
    if (admission.recipient && !created(c.res)) await gate.releaseRecipient(admission.recipient);
    if (admission.verificationSlot && !created(c.res)) await gate.releaseVerification(admission.verificationSlot);
    const notCreated = unusedItemTakes(admission.items, created(c.res) ? c.get("createdItems") : undefined);
    if (notCreated.length > 0) await gate.releaseItems(notCreated);
  });
}

/** The takes of a batch's admitted items that were not created (all of them when the request created nothing). */
function unusedItemTakes(items: ItemAdmission[] | undefined, createdItems: ReadonlySet<number> | undefined): ItemTaken[] {
  return (items ?? []).flatMap((item, i) =>
    item?.kind === "admitted" && !createdItems?.has(i) ? [{ daily: item.daily, ...(item.recipient === undefined ? {} : { recipient: item.recipient }) }] : [],
  );
}

/** The account of a v2 key (issued before keys carried their account): one D1 read by its prefix. */
async function legacyKeyAccount<Prepared>(c: Context<GuardedEnv<Prepared>>, key: ParsedKey, hash: string): Promise<string | null> {
  const candidates = await activeKeysQuery(c.var.control.db, key.prefix);
  return candidates.find((candidate) => timingSafeEqualStrings(hash, candidate.hash))?.account.id ?? null;
}
