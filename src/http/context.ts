import type { Context } from "hono";
import type { AccountRow } from "../db/schema.ts";
import type { IdempotencyClaim } from "./idempotency.ts";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: AccountRow;
    apiKeyId: string;
    /** Present on a POST with a valid Idempotency-Key. */
    idempotencyClaim?: IdempotencyClaim;
  };
}

/** POST /v1/messages: counted against the daily cap, and it claims its Idempotency-Key with its lookups. */
export function isMessageCreate(c: Context<AppEnv>): boolean {
  return c.req.method === "POST" && c.req.path === "/v1/messages";
}
