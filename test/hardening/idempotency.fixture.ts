// What the Idempotency-Key tests share: the header, and the key's stored record.
import { and, eq } from "drizzle-orm";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import type { TestAccount } from "../support/accounts.ts";
import { homeDb } from "../support/db.ts";

export const withKey = (key: string, headers: Record<string, string> = {}) => ({ "Idempotency-Key": key, ...headers });

export async function storedKey(account: TestAccount, key: string) {
  return homeDb(account)
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, account.id), eq(idempotencyKeys.key, key)))
    .get();
}
