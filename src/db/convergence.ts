// The convergence pass's reads and writes on one message database: the rows a
// lost projection may have left behind their objects, taken by creation order
// (an id range on the primary key, from a cursor per check age), and the
// cursors' new places.
import { and, asc, gt, lt, sql } from "drizzle-orm";
import { isFinal } from "../domain/retention.ts";
import { STATUSES } from "../domain/status.ts";
import type { Database } from "./client.ts";
import { convergeCursors, messages } from "./message-schema.ts";
import type { Projection } from "./projections.ts";

/**
 * `sent` (a delivery report may have come since), `scheduled` (it may have
 * been canceled, or queued at its time), or final while still holding the
 * content of a `discard` message (its redaction may be lost). A queued row
 * has the reconciler, whose job makes an object under way project again.
 */
const unsettled = sql.raw(
  `("status" IN ('scheduled', 'sent') OR ("content_retention" = 'discard' AND "redacted_at" IS NULL AND "status" IN (${STATUSES.filter(isFinal)
    .map((status) => `'${status}'`)
    .join(", ")})))`,
);

/** One check age's slice of ids: after `after`, before `before`, at most `limit` unsettled rows. */
export interface Slice {
  after: string;
  before: string;
  limit: number;
}

/** What a row shows of its object's view, to compare with it. */
export type RowView = Omit<Projection, "seq">;

/** One slice's query (for checking its plan). */
export function sliceQuery(db: Database, { after, before, limit }: Slice) {
  const { id, accountId, status, deliveredAt, providerLatencyMs, errorCode, errorMessage, attempts, deliveredChannel, redactedAt, price, priceStatus } =
    messages;
  return db
    .select({
      messageId: id,
      accountId,
      status,
      deliveredAt,
      providerLatencyMs,
      errorCode,
      errorMessage,
      attempts,
      deliveredChannel,
      redactedAt,
      price,
      priceStatus,
    })
    .from(messages)
    .where(and(gt(messages.id, after), lt(messages.id, before), unsettled))
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** The unsettled rows of each slice, oldest first, in one D1 batch. */
export async function unsettledRows(db: Database, slices: Slice[]): Promise<RowView[][]> {
  const [first, ...rest] = slices.map((slice) => sliceQuery(db, slice));
  if (!first) return [];
  return (await db.batch([first, ...rest])) as RowView[][];
}

/** Each check age's cursor on this database (absent: never run). */
export async function readCursors(db: Database): Promise<Map<number, string>> {
  const rows = await db.select().from(convergeCursors);
  return new Map(rows.map((row) => [row.ageSeconds, row.throughId]));
}

/** The cursors' new places, in one batch. */
export async function saveCursors(db: Database, cursors: Map<number, string>): Promise<void> {
  const [first, ...rest] = [...cursors].map(([ageSeconds, throughId]) =>
    db.insert(convergeCursors).values({ ageSeconds, throughId }).onConflictDoUpdate({ target: convergeCursors.ageSeconds, set: { throughId } }),
  );
  if (first) await db.batch([first, ...rest]);
}
