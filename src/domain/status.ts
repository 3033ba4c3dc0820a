// Message statuses and the rule that orders them. Providers report late, twice
// and out of order; a report only moves a message forward.
import type { MessageStatus } from "./message.ts";

const RANK: Record<MessageStatus, number> = {
  queued: 0,
  sent: 1,
  // The three outcomes share a rank: the first one reported wins.
  delivered: 2,
  undelivered: 2,
  failed: 2,
  read: 3,
};

/** Whether a message in `from` may move to `to`. Failures are terminal; read follows delivery. */
export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  if (from === "undelivered" || from === "failed") return false;
  return RANK[to] > RANK[from];
}

/** Statuses that mean the recipient has the message: they stamp delivered_at. */
export function isDelivery(status: MessageStatus): boolean {
  return status === "delivered" || status === "read";
}
