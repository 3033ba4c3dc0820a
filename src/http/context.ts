/** What the Hono app carries per request; a guarded route adds the account of its key (src/http/operation-hooks.ts GuardedEnv). */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The request's body, parsed (JSON or form) on first call: the guard, the Idempotency-Key and the router share one parse. */
    body: () => Promise<unknown>;
  };
}
