// Status projections in D1: what a message's Durable Object last knew of it
// (status, delivery, error, attempts, redaction), written onto its row by the
// projection queue's consumer, many messages of a shard in one D1 batch.
import { and, eq, inArray, lt } from "drizzle-orm";
import type { Message } from "../domain/message.ts";
import type { Placement } from "../domain/placement.ts";
import type { Database } from "./client.ts";
import { accounts } from "./control-schema.ts";
import { messages } from "./message-schema.ts";
import { redactedColumns } from "./retention.ts";
import { batchWithUsageFold, foldsUsage } from "./usage-fold.ts";

/** One projection: the object's whole current view of the message, so the newest one alone is enough. */
export type Projection = Pick<
  Message,
  "status" | "deliveredAt" | "providerLatencyMs" | "errorCode" | "errorMessage" | "attempts" | "deliveredChannel" | "redactedAt" | "price" | "priceStatus"
> & {
  messageId: string;
  accountId: string;
  /** Strictly increasing per message: a row takes a projection only over an older one. */
  seq: number;
  /** The message's batch, for its completion check (batch-completion.ts); absent for a message sent alone. */
  batchId?: string;
};

/** The placements of these accounts (an account with none, or with no row, is absent), in one read. */
export async function accountPlacements(db: Database, accountIds: string[]): Promise<Map<string, Placement | null>> {
  // One bound parameter per account: a projection batch holds at most 100 messages, D1's cap on parameters.
  const rows = await db.select({ id: accounts.id, placement: accounts.placement }).from(accounts).where(inArray(accounts.id, accountIds));
  return new Map(rows.map((row) => [row.id, row.placement]));
}

function projectionUpdate(db: Database, projection: Projection, now: number) {
  const { messageId, seq, status, deliveredAt, providerLatencyMs, errorCode, errorMessage, attempts, deliveredChannel, redactedAt, price, priceStatus } =
    projection;
  const redaction = redactedAt === null ? {} : redactedColumns(redactedAt);
  return (
    db
      .update(messages)
      .set({
        status,
        deliveredAt,
        providerLatencyMs,
        errorCode,
        errorMessage,
        attempts,
        deliveredChannel,
        ...redaction,
        price,
        priceStatus,
        projectionSeq: seq,
        updatedAt: now,
      })
      // The Queue delivers at least once and in any order: an older projection never overwrites a newer one.
      .where(and(eq(messages.id, messageId), lt(messages.projectionSeq, seq)))
  );
}

/** The seq of the projection a message's row last took (0: none since its insert); undefined without the row. */
export async function rowProjectionSeq(db: Database, messageId: string): Promise<number | undefined> {
  const row = await db.select({ seq: messages.projectionSeq }).from(messages).where(eq(messages.id, messageId)).get();
  return row?.seq;
}

/**
 * Writes projections (at most one per message) to one shard, in one D1 batch;
 * a batch of several moves its rows' usage itself, a group at a time (usage-fold.ts).
 */
export async function writeProjections(db: Database, projections: Projection[], nowSeconds: number): Promise<void> {
  const [first, ...rest] = projections.map((projection) => projectionUpdate(db, projection, nowSeconds));
  if (!first) return;
  await (foldsUsage(projections) ? batchWithUsageFold(db, projections, [first, ...rest]) : db.batch([first, ...rest]));
}
