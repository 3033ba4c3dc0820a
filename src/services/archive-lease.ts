// The archive's writes, one account at a time: a run's step, a fold and an
// expiry each take the account's lease (src/db/archive-leases.ts) before they
// read the parts they rewrite, and pass the account over when another holds it.

import { type ArchiveLease, releaseArchiveLease, takeArchiveLease } from "../db/archive-leases.ts";
import type { Database } from "../db/client.ts";

/**
 * How long a lease lasts. A step (one part: a D1 read, an R2 head, write and read-back, a control batch and a D1
 * batch) takes under a second (0.2 s for 3,752 SMS locally) and is released when it ends, so only a stalled holder
 * keeps one two minutes; the lease then runs out, another run takes the account over, and the stalled one's index writes,
 * which check the lease in their batch, write nothing (nor does it delete rows). A holder killed mid-step (a deploy,
 * an exceeded limit) holds its account's archive back two minutes at most.
 */
const ARCHIVE_LEASE_MS = 120_000;

/** What `work` returned under the account's lease, or `held` when another run holds it (nothing was done). */
export type UnderLease<T> = { held: false; value: T } | { held: true };

/** Runs `work` holding the account's lease, released after it whether it succeeded or threw. */
export async function underArchiveLease<T>(db: Database, accountId: string, nowMs: number, work: (lease: ArchiveLease) => Promise<T>): Promise<UnderLease<T>> {
  const lease = await takeArchiveLease(db, accountId, nowMs, nowMs + ARCHIVE_LEASE_MS);
  if (!lease) return { held: true };
  try {
    return { held: false, value: await work(lease) };
  } finally {
    await releaseArchiveLease(db, lease);
  }
}
