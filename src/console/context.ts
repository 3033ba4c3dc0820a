import type { Account } from "../domain/account.ts";

/** What a Console request carries. */
export interface ConsoleEnv {
  Bindings: Env;
  Variables: {
    nonce: string;
    /** Set for signed-in requests (src/console/session.ts). */
    account: Account;
    csrfToken: string;
    sessionToken: string;
  };
}
