// Stored messages for the read benchmarks, written straight into the bench's
// local message databases with one SQL statement per account and shard
// (seed-sql.ts): SQLite generates the rows itself, so 200,000 of them take
// seconds, and no API that production could expose is involved.
import { type D1Target, executeSql } from "../scripts/lib/d1.ts";
import { type Seeding, seedMessagesSql } from "./seed-sql.ts";

/** Inserts the account's delivered SMS messages, each into the message database (MESSAGES_DB_N) its id names. */
export function seedMessages(target: D1Target, seeding: Seeding): void {
  seeding.shards.forEach((shard, i) => {
    executeSql({ ...target, binding: `MESSAGES_DB_${shard}` }, seedMessagesSql(seeding, i));
  });
}
