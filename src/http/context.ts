import type { AccountRow } from "../db/schema.ts";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    account: AccountRow;
  };
}
