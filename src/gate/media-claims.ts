// The account's files in R2, serialized by its gate: a create claims each
// file before it looks for it in R2, and a deletion asks here before it
// deletes. Without this a deletion that counted no reference could delete a
// file that a create found in R2 a moment earlier and was about to refer to
// (its reference row not written yet): the new message would point at nothing.
//
// The rule: a file claimed less than CLAIM_GRACE_MS before the deletion began
// counting references is not deleted (that create may not have written its
// reference yet; the sweep tries again later), and a claim that arrives while
// a deletion of its file is under way waits for it to finish, so the create
// then finds the file absent and uploads it again.
import { mediaKey } from "../domain/media.ts";

/**
 * Longer than any create takes from its claim to its reference row (an R2
 * upload of 25 MB and one D1 batch): a claim older than this has written its
 * reference or failed.
 */
export const CLAIM_GRACE_MS = 15 * 60 * 1000;

export class MediaClaims {
  /** Deletions under way, by sha256 (in memory: an evicted object has none in flight). */
  readonly #deleting = new Map<string, Promise<void>>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly bucket: R2Bucket,
  ) {
    sql.exec("CREATE TABLE IF NOT EXISTS media_claims (sha256 TEXT PRIMARY KEY, claimed_at INTEGER NOT NULL)");
    sql.exec("CREATE INDEX IF NOT EXISTS media_claims_claimed_at ON media_claims (claimed_at)");
  }

  /** A create is about to look for these files in R2 and refer to them; answers once no deletion of any of them is under way. */
  async claim(sha256s: string[], now: number): Promise<void> {
    // Claims past the grace protect nothing any more.
    this.sql.exec("DELETE FROM media_claims WHERE claimed_at < ?", now - CLAIM_GRACE_MS);
    for (const sha of sha256s) {
      this.sql.exec(
        "INSERT INTO media_claims (sha256, claimed_at) VALUES (?, ?) ON CONFLICT (sha256) DO UPDATE SET claimed_at = excluded.claimed_at",
        sha,
        now,
      );
    }
    await Promise.all(sha256s.map((sha) => this.#deleting.get(sha)));
  }

  /**
   * Deletes the account's file if no create claimed it since CLAIM_GRACE_MS
   * before `countedAtMs`, when the caller began counting its references (and
   * found none); false when a claim kept it.
   */
  async collect(accountId: string, sha256: string, countedAtMs: number): Promise<boolean> {
    const [row] = this.sql.exec<{ claimed_at: number }>("SELECT claimed_at FROM media_claims WHERE sha256 = ?", sha256).toArray();
    if (row && row.claimed_at >= countedAtMs - CLAIM_GRACE_MS) return false;
    const running = this.#deleting.get(sha256);
    if (running) {
      await running;
      return true;
    }
    const deletion = this.bucket.delete(mediaKey(accountId, sha256));
    this.#deleting.set(sha256, deletion);
    try {
      await deletion;
    } finally {
      this.#deleting.delete(sha256);
    }
    return true;
  }
}
