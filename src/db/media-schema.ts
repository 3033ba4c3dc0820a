// A message database's media references (src/services/media.ts): which of
// its messages refer to which file of the account in R2, and the files whose
// last reference here went, still to be deleted from R2 once no message of
// the account on any database refers to them. Kept on the shard the message
// id names (where its create wrote them), even after its account moves.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const messageMedia = sqliteTable(
  "message_media",
  {
    messageId: text("message_id").notNull(),
    attachmentId: text("attachment_id").notNull(),
    accountId: text("account_id").notNull(),
    // The R2 object is <account_id>/<sha256>.
    sha256: text("sha256").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.attachmentId] }),
    // Whether any message of the account still refers to a file.
    index("message_media_account_sha_idx").on(t.accountId, t.sha256),
  ],
);

export const mediaOrphans = sqliteTable(
  "media_orphans",
  {
    accountId: text("account_id").notNull(),
    sha256: text("sha256").notNull(),
    // Unix seconds: when its last reference on this database went.
    since: integer("since").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.sha256] }), index("media_orphans_since_idx").on(t.since)],
);
