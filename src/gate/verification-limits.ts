// The Verify API's per-recipient fraud guard, counted in the account's gate
// (every request of the account passes through that one object, so the count
// is exact and needs no D1 read): the start time of each verification per
// recipient, kept in the gate's SQLite storage for the longest window
// (src/domain/verification-guard.ts decides).
import { LONGEST_WINDOW_MS, windowRetryAfter } from "../domain/verification-guard.ts";

/** Rows older than the longest window count for nothing: dropped at most this often. */
const PRUNE_EVERY_MS = 60_000;

/** Taken: the slot to give back with `release` if nothing was created; refused: when to retry. */
export type VerificationAdmission = { slot: VerificationSlot; retryAfterSeconds?: undefined } | { slot?: undefined; retryAfterSeconds: number };

export interface VerificationSlot {
  recipient: string;
  atMs: number;
}

export class VerificationLimits {
  #prunedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS verify_recipient_starts (recipient TEXT NOT NULL, at_ms INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS verify_recipient_starts_idx ON verify_recipient_starts (recipient, at_ms)");
  }

  /** One more verification to `recipient` at `now`, if its windows allow it. */
  take(recipient: string, now: number): VerificationAdmission {
    this.#prune(now);
    const times = this.sql
      .exec<{ at_ms: number }>("SELECT at_ms FROM verify_recipient_starts WHERE recipient = ? AND at_ms > ?", recipient, now - LONGEST_WINDOW_MS)
      .toArray()
      .map((row) => row.at_ms);
    const retryAfterSeconds = windowRetryAfter(times, now);
    if (retryAfterSeconds !== null) return { retryAfterSeconds };
    this.sql.exec("INSERT INTO verify_recipient_starts (recipient, at_ms) VALUES (?, ?)", recipient, now);
    return { slot: { recipient, atMs: now } };
  }

  /** Gives back a slot whose request created no verification. */
  release(slot: VerificationSlot): void {
    this.sql.exec(
      "DELETE FROM verify_recipient_starts WHERE rowid = (SELECT rowid FROM verify_recipient_starts WHERE recipient = ? AND at_ms = ? LIMIT 1)",
      slot.recipient,
      slot.atMs,
    );
  }

  #prune(now: number): void {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.sql.exec("DELETE FROM verify_recipient_starts WHERE at_ms <= ?", now - LONGEST_WINDOW_MS);
  }
}
