import type { Account } from "../domain/account.ts";

/** What the API key guard hands an operation's handler (see src/http/operation-hooks.ts). */
export interface OperationState {
  /** What the operation's prepare hook prepared, from the gate's answer. */
  prepared?: unknown;
  /** The id the request's Idempotency-Key reserved for the message it creates. */
  reservedId?: string;
}

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
