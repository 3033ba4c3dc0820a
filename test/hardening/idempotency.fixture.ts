// What the Idempotency-Key tests share: the header, and the key's stored record.
import { and, eq } from "drizzle-orm";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import { db } from "../support/db.ts";

export const withKey = (key: string, headers: Record<string, string> = {}) => ({ "Idempotency-Key": key, ...headers });

export async function storedKey(accountId: string, key: string) {
  return db()
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)))
    .get();
}
