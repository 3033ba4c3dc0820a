// The archive's leases (archive_leases): one per account whose parts a run,
// fold or expiry is rewriting, and one per message database retention is
// working (key `retention:shard:<n>`). Taken only when free or run out, released
// by its holder alone; the index writes of archive-index.ts check it in their batch.
import { and, eq, lte } from "drizzle-orm";
import { archiveLeases } from "./archive-schema.ts";
import type { Database } from "./client.ts";

/** A lease as taken: whose account, and the taker's own token. */
export interface ArchiveLease {
  accountId: string;
  holder: string;
}

/** Takes the account's lease until `leaseUntil` (ms) unless another holds one that has not run out at `now`; null then. */
export async function takeArchiveLease(db: Database, accountId: string, now: number, leaseUntil: number): Promise<ArchiveLease | null> {
  const holder = crypto.randomUUID();
  const [taken] = await db
    .insert(archiveLeases)
    .values({ accountId, holder, leaseUntil })
    .onConflictDoUpdate({ target: archiveLeases.accountId, set: { holder, leaseUntil }, setWhere: lte(archiveLeases.leaseUntil, now) })
    .returning({ holder: archiveLeases.holder });
  return taken ? { accountId, holder } : null;
}

/** Ends the lease, unless another has taken it since (then it is that one's). */
export async function releaseArchiveLease(db: Database, lease: ArchiveLease): Promise<void> {
  await db.delete(archiveLeases).where(and(eq(archiveLeases.accountId, lease.accountId), eq(archiveLeases.holder, lease.holder)));
}

/**
 * SQL true while the lease is still its holder's, for a statement of the holder's batch (`account` and `holder`: the
 * parameter numbers binding them): a batch is one transaction, so every statement sees the same answer.
 */
export function leaseHeld(account: number, holder: number): string {
  return `EXISTS (SELECT 1 FROM archive_leases WHERE account_id = ?${account} AND holder = ?${holder})`;
}
