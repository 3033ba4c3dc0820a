// Media references on a message database (src/db/media-schema.ts). Every
// query names the account, except the maintenance run's scans, which only
// read ids and hashes, and a media link's read (mediaRefsOfMessage), which
// checks the account's signature before it answers anything.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { MediaRef } from "../domain/media.ts";
import type { Database } from "./client.ts";
import { mediaOrphans, messageMedia } from "./media-schema.ts";
import { messages, type NewMessageRow } from "./message-schema.ts";

/** The message and its references in one transaction: a reference never names a message that was not stored. */
export async function insertMessageWithMedia(db: Database, row: NewMessageRow, refs: MediaRef[]): Promise<void> {
  const insert = db.insert(messages).values(row);
  if (refs.length === 0) {
    await insert;
    return;
  }
  await db.batch([insert, db.insert(messageMedia).values(mediaRefRows(row, refs))]);
}

/** A message's references to its files, as message_media rows. */
export function mediaRefRows(message: Pick<NewMessageRow, "id" | "accountId" | "createdAt">, refs: readonly MediaRef[]): NewMediaRow[] {
  return refs.map((ref) => ({
    messageId: message.id,
    attachmentId: ref.id,
    accountId: message.accountId,
    sha256: ref.sha256,
    filename: ref.filename,
    contentType: ref.content_type,
    size: ref.size,
    createdAt: message.createdAt,
  }));
}

export type NewMediaRow = typeof messageMedia.$inferInsert;

export type MediaRow = typeof messageMedia.$inferSelect;
export type Orphan = typeof mediaOrphans.$inferSelect;

/** One attachment of one message of the account, while the message refers to it. */
export function findMediaRef(db: Database, accountId: string, messageId: string, attachmentId: string): Promise<MediaRow | undefined> {
  return db
    .select()
    .from(messageMedia)
    .where(and(eq(messageMedia.accountId, accountId), eq(messageMedia.messageId, messageId), eq(messageMedia.attachmentId, attachmentId)))
    .get();
}

/**
 * A message's references, ordered by attachment id, with the account they
 * belong to: for a media link (src/domain/media-link.ts), whose token names
 * the message but no account. Nothing read here is answered until the
 * account's own key is found to have signed that token.
 */
export function mediaRefsOfMessage(db: Database, messageId: string): Promise<MediaRow[]> {
  return db.select().from(messageMedia).where(eq(messageMedia.messageId, messageId)).orderBy(messageMedia.attachmentId);
}

/** The messages' references go and their files become orphans to check, in one transaction; the files they named. */
export async function dropMediaRefs(db: Database, messageIds: string[], now: number): Promise<Orphan[]> {
  if (messageIds.length === 0) return [];
  // One bound parameter for the whole list: D1 caps a query at 100.
  const ids = sql`(SELECT value FROM json_each(${JSON.stringify(messageIds)}))`;
  const named = inArray(messageMedia.messageId, ids);
  const files = db
    .selectDistinct({ accountId: messageMedia.accountId, sha256: messageMedia.sha256, since: sql<number>`${now}`.as("since") })
    .from(messageMedia)
    .where(named);
  const [, dropped] = await db.batch([
    db.insert(mediaOrphans).select(files).onConflictDoNothing(),
    db.delete(messageMedia).where(named).returning({ accountId: messageMedia.accountId, sha256: messageMedia.sha256 }),
  ]);
  const unique = new Map(dropped.map((file) => [`${file.accountId}/${file.sha256}`, { ...file, since: now }]));
  return [...unique.values()];
}

/** Whether any message of the account on this database refers to the file. */
export async function refersTo(db: Database, accountId: string, sha256: string): Promise<boolean> {
  const row = await db
    .select({ one: sql<number>`1` })
    .from(messageMedia)
    .where(and(eq(messageMedia.accountId, accountId), eq(messageMedia.sha256, sha256)))
    .limit(1)
    .get();
  return row !== undefined;
}

/** Files whose last reference here went at `before` (Unix seconds) or earlier, oldest first. */
export function orphansSince(db: Database, before: number, limit: number): Promise<Orphan[]> {
  return db.select().from(mediaOrphans).where(lte(mediaOrphans.since, before)).orderBy(mediaOrphans.since).limit(limit);
}

/** An orphan kept for now goes behind the others. */
export async function deferOrphan(db: Database, orphan: Pick<Orphan, "accountId" | "sha256">, now: number): Promise<void> {
  await db
    .update(mediaOrphans)
    .set({ since: now })
    .where(and(eq(mediaOrphans.accountId, orphan.accountId), eq(mediaOrphans.sha256, orphan.sha256)));
}

export async function dropOrphan(db: Database, orphan: Pick<Orphan, "accountId" | "sha256">): Promise<void> {
  await db.delete(mediaOrphans).where(and(eq(mediaOrphans.accountId, orphan.accountId), eq(mediaOrphans.sha256, orphan.sha256)));
}

/** Messages of this database that are redacted but still refer to files (a release that failed): up to `limit` ids. */
export async function redactedWithMedia(db: Database, limit: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: messageMedia.messageId })
    .from(messageMedia)
    .innerJoin(messages, eq(messages.id, messageMedia.messageId))
    .where(sql`${messages.redactedAt} IS NOT NULL`)
    .limit(limit);
  return rows.map((row) => row.id);
}
