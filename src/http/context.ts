import type { AccountRow } from "../db/schema.ts";
import type { IdempotencyClaim } from "./idempotency.ts";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: AccountRow;
    apiKeyId: string;
    /** Present on a POST with an Idempotency-Key, while this request holds the key. */
    idempotencyClaim?: IdempotencyClaim;
  };
}
