// The account's optional limit of messages per recipient per hour
// (recipient_limits[per_hour], POST /v1/account), counted in the account's
// gate: every create of the account passes through that one object, so the
// count is exact. A token bucket per recipient (capacity per_hour, refilled
// at per_hour an hour), kept in the gate's SQLite storage: an hour is far
// longer than an idle object lives in memory.
import type { Account } from "../domain/account.ts";
import { type BucketState, takeToken } from "../domain/token-bucket.ts";

const HOUR_MS = 3_600_000;
/** Rows untouched for an hour hold full buckets, the same as no row: dropped at most this often. */
const PRUNE_EVERY_MS = 60_000;

/** Taken: the recipient whose token it was (none without a limit); refused: when to retry. */
export type RecipientAdmission = { recipient?: string; retryAfterSeconds?: undefined } | { recipient?: undefined; retryAfterSeconds: number };

export class RecipientLimits {
  #prunedAt = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS recipient_buckets (recipient TEXT PRIMARY KEY, tokens REAL NOT NULL, at_ms INTEGER NOT NULL)");
  }

  /** Takes one of the recipient's tokens when the account has a limit (to give back with `release` if nothing is created). */
  take(account: Pick<Account, "recipientLimitPerHour">, recipient: string | undefined, now: number): RecipientAdmission {
    const perHour = account.recipientLimitPerHour;
    if (perHour === null || recipient === undefined) return {};
    this.#prune(now);
    const policy = { capacity: perHour, ratePerSecond: perHour / 3600 };
    const taken = takeToken(this.#bucket(recipient), policy, now);
    if (!taken.allowed) return { retryAfterSeconds: taken.retryAfterSeconds };
    this.#save(recipient, taken.state);
    return { recipient };
  }

  /** Gives back a token whose request created no message (nothing when none was taken). */
  release(recipient: string | undefined): void {
    if (recipient !== undefined) this.sql.exec("UPDATE recipient_buckets SET tokens = tokens + 1 WHERE recipient = ?", recipient);
  }

  #bucket(recipient: string): BucketState | undefined {
    const [row] = this.sql.exec<{ tokens: number; at_ms: number }>("SELECT tokens, at_ms FROM recipient_buckets WHERE recipient = ?", recipient).toArray();
    return row && { tokens: row.tokens, atMs: row.at_ms };
  }

  #save(recipient: string, state: BucketState): void {
    this.sql.exec(
      "INSERT INTO recipient_buckets (recipient, tokens, at_ms) VALUES (?, ?, ?) ON CONFLICT (recipient) DO UPDATE SET tokens = excluded.tokens, at_ms = excluded.at_ms",
      recipient,
      state.tokens,
      state.atMs,
    );
  }

  #prune(now: number): void {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.sql.exec("DELETE FROM recipient_buckets WHERE at_ms < ?", now - HOUR_MS);
  }
}
