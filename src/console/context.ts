import type { Account } from "../domain/account.ts";

/**
 * What a Console request carries; besides, as every request, `c.var.control`:
 * the control database and the account gates the services write through
 * (declared and set in src/app.ts).
 */
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
