// A new account, as `npm run keys -- create` makes it: homed on the open
// message database that holds the least (src/db/shard-map.ts), in the one
// statement that creates it. With ? parameters, so that the command runs it
// through wrangler and the tests run the very same one on their D1.
import { drizzle } from "drizzle-orm/d1";
import { leastFilledShardQuery } from "../../src/db/shard-map.ts";
import type { Mode } from "../../src/domain/account.ts";
import type { Statement } from "./statement.ts";

export interface NewAccount {
  id: string;
  name: string;
  mode: Mode;
  webhookSecret: string;
  createdAt: number;
}

// Only builds SQL: never runs a query.
const sqlOnly = drizzle({} as D1Database);

/**
 * Creates the account unless one has its name; its placement is its home
 * shard alone (as homedOn in src/domain/placement.ts). Creates nothing when no
 * message database is open.
 */
export function newAccountStatement(account: NewAccount): Statement {
  const home = leastFilledShardQuery(sqlOnly).toSQL();
  return {
    sql: `INSERT INTO accounts (id, name, mode, webhook_secret, created_at, placement)
      SELECT ?, ?, ?, ?, ?, json_object('home', home.shard, 'write', json_array(home.shard), 'read', json_array(home.shard))
      FROM (${home.sql}) AS home
      WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE name = ?)`,
    params: [account.id, account.name, account.mode, account.webhookSecret, account.createdAt, ...(home.params as (string | number)[]), account.name],
  };
}
