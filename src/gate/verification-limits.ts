// The Verify API's fraud guard, counted in the account's gate (every request
// of the account passes through that one object, so the counts are exact and
// need no D1 read): the start time of each verification per recipient and per
// destination prefix, kept in the gate's SQLite storage for the longest
// window (src/domain/verification-guard.ts decides). Each refusal is kept
// too (the last MAX_REFUSALS), for the Console.
import type { Account } from "../domain/account.ts";
import { destinationPrefix, LONGEST_WINDOW_MS, prefixWindows, recipientWindows, type Window, windowRetryAfter } from "../domain/verification-guard.ts";

/** Rows older than the longest window count for nothing: dropped at most this often. */
const PRUNE_EVERY_MS = 60_000;
const MAX_REFUSALS = 100;

export type VerificationRefusalCode = "verification_rate_limited" | "verification_prefix_blocked";

/** Taken: the slot to give back with `release` if nothing was created; refused: why, and when to retry. */
export type VerificationAdmission =
  | { slot: VerificationSlot; retryAfterSeconds?: undefined }
  | { slot?: undefined; code: VerificationRefusalCode; retryAfterSeconds: number };

export interface VerificationSlot {
  keys: string[];
  atMs: number;
}

export interface VerificationRefusal {
  /** ms */
  at: number;
  recipient: string;
  code: VerificationRefusalCode;
}

export class VerificationLimits {
  #prunedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS verify_starts (key TEXT NOT NULL, at_ms INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS verify_starts_idx ON verify_starts (key, at_ms)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS verify_refusals (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, recipient TEXT NOT NULL, code TEXT NOT NULL)",
    );
  }

  /** One more verification to `recipient` at `now`, if its windows and its prefix's allow it. */
  take(account: Pick<Account, "verificationPrefixLimitPerHour">, recipient: string, now: number): VerificationAdmission {
    this.#prune(now);
    const prefix = destinationPrefix(recipient);
    const refusal =
      this.#refusal(`to:${recipient}`, recipientWindows(), now, "verification_rate_limited") ??
      (prefix === null ? null : this.#refusal(`prefix:${prefix}`, prefixWindows(account.verificationPrefixLimitPerHour), now, "verification_prefix_blocked"));
    if (refusal) {
      this.sql.exec("INSERT INTO verify_refusals (at_ms, recipient, code) VALUES (?, ?, ?)", now, recipient, refusal.code);
      return refusal;
    }
    const keys = [`to:${recipient}`, ...(prefix === null ? [] : [`prefix:${prefix}`])];
    for (const key of keys) this.sql.exec("INSERT INTO verify_starts (key, at_ms) VALUES (?, ?)", key, now);
    return { slot: { keys, atMs: now } };
  }

  /** Gives back a slot whose request created no verification. */
  release(slot: VerificationSlot): void {
    for (const key of slot.keys) {
      this.sql.exec("DELETE FROM verify_starts WHERE rowid = (SELECT rowid FROM verify_starts WHERE key = ? AND at_ms = ? LIMIT 1)", key, slot.atMs);
    }
  }

  /** The latest refusals, newest first. */
  refusals(): VerificationRefusal[] {
    return this.sql
      .exec<{ at_ms: number; recipient: string; code: VerificationRefusalCode }>("SELECT at_ms, recipient, code FROM verify_refusals ORDER BY seq DESC")
      .toArray()
      .map((row) => ({ at: row.at_ms, recipient: row.recipient, code: row.code }));
  }

  #refusal(key: string, windows: readonly Window[], now: number, code: VerificationRefusalCode) {
    const times = this.sql
      .exec<{ at_ms: number }>("SELECT at_ms FROM verify_starts WHERE key = ? AND at_ms > ?", key, now - LONGEST_WINDOW_MS)
      .toArray()
      .map((row) => row.at_ms);
    const retryAfterSeconds = windowRetryAfter(times, now, windows);
    return retryAfterSeconds === null ? null : { code, retryAfterSeconds };
  }

  #prune(now: number): void {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.sql.exec("DELETE FROM verify_starts WHERE at_ms <= ?", now - LONGEST_WINDOW_MS);
    this.sql.exec("DELETE FROM verify_refusals WHERE seq <= (SELECT MAX(seq) FROM verify_refusals) - ?", MAX_REFUSALS);
  }
}
