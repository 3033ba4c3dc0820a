import type { Account } from "../domain/account.ts";
import type { OperationState } from "./operation-hooks.ts";

/** What the Hono app carries per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The request's body, parsed (JSON or form) on first call: middleware and handler share one parse. */
    body: () => Promise<unknown>;
    /** Set by the API key check (src/http/auth.ts). */
    account: Account;
    apiKeyId: string;
    /** What the operation's hooks prepared in the guard (src/http/operation-hooks.ts). */
    operation: OperationState;
  };
}
