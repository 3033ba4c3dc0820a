import type { Context } from "hono";
import type { CreateReadResults } from "../db/messages.ts";
import type { ClaimRequest } from "../db/idempotency.ts";
import type { Account } from "../domain/account.ts";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: Account;
    apiKeyId: string;
    /** Present on a POST holding a valid Idempotency-Key. */
    idempotencyClaim?: ClaimRequest;
    /** A message create's reads, made with the API key lookup (src/http/auth.ts). */
    createReads?: CreateReadResults;
  };
}

/** POST /v1/messages: its reads ride with the key lookup, and it counts against the daily cap. */
export function isMessageCreate(c: Context<AppEnv>): boolean {
  return c.req.method === "POST" && c.req.path === "/v1/messages";
}
