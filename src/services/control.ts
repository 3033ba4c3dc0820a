// What every write of an account's resources goes through: the control
// database, and the account's gate, told of each change it caches
// (src/gate/account-gate.ts). Built once per request (src/app.ts) and handed
// to the services, which are the one door to each resource for the API, the
// Console and the operator's scripts (scripts/control.ts).
import { type Database, database } from "../db/client.ts";
import { type GateChange, tellGate } from "../gate/account-gate.ts";

export interface Control {
  db: Database;
  /** Tells the account's gate what changed, once the write has committed. */
  tellGate(accountId: string, change: GateChange): Promise<void>;
}

/**
 * The Worker's: its CONTROL_DB binding, and the AccountGate namespace. The
 * client is made on first use: a request that writes nothing (the API
 * document, an asset) needs no binding.
 */
export function workerControl(env: Env): Control {
  let db: Database | undefined;
  return {
    get db() {
      db ??= database(env.CONTROL_DB);
      return db;
    },
    tellGate: (accountId, change) => tellGate(env, accountId, change),
  };
}
