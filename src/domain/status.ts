// Message statuses and the rule that orders them. Providers report late, twice
// and out of order; a report only moves a message forward.
// A message's status. (Named Status, not MessageStatus: that is the name of
// the Durable Object class that owns every message's transitions.)
// `received` is an inbound message's only status.
export const STATUSES = ["queued", "sent", "delivered", "read", "undelivered", "failed", "received"] as const;
export type Status = (typeof STATUSES)[number];

const RANK: Record<Status, number> = {
  queued: 0,
  sent: 1,
  // The three outcomes share a rank: the first one reported wins.
  delivered: 2,
  undelivered: 2,
  failed: 2,
  read: 3,
  received: 0,
};

/** Whether a message in `from` may move to `to`. Failures are terminal; read follows delivery. */
export function canTransition(from: Status, to: Status): boolean {
  if (from === "undelivered" || from === "failed" || from === "received" || to === "received") return false;
  return RANK[to] > RANK[from];
}

/** Statuses that mean the recipient has the message: they stamp delivered_at. */
export function isDelivery(status: Status): boolean {
  return status === "delivered" || status === "read";
}
