// Which shard a message was created on is the end of its id (src/domain/ids.ts):
// the condition that picks an account's messages created on some shards.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { shardSuffix } from "../domain/ids.ts";
import { messages } from "./message-schema.ts";

/** The account's messages whose ids name one of `bornOn`. */
export function bornOnOneOf(accountId: string, bornOn: readonly number[]): SQL {
  return and(eq(messages.accountId, accountId), inArray(sql`substr(${messages.id}, -4)`, bornOn.map(shardSuffix)))!;
}
