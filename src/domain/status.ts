// Message statuses and the rule that orders them. Providers report late, twice
// and out of order; a report only moves a message forward.
// A message's status. (Named Status, not MessageStatus: that is the name of
// the Durable Object class that owns every message's transitions.)
// `received` is an inbound message's only status.
export const STATUSES = ["scheduled", "queued", "sent", "delivered", "read", "undelivered", "failed", "canceled", "expired", "received"] as const;
export type Status = (typeof STATUSES)[number];

const RANK: Record<Status, number> = {
  // Waiting for its send_at: it becomes queued then, or canceled/expired before.
  scheduled: -1,
  queued: 0,
  sent: 1,
  // The outcomes share a rank: the first one reported wins.
  delivered: 2,
  undelivered: 2,
  failed: 2,
  canceled: 2,
  expired: 2,
  read: 3,
  received: 0,
};

/** Statuses after which nothing changes a message. */
export function isTerminal(status: Status): boolean {
  return status === "undelivered" || status === "failed" || status === "canceled" || status === "expired" || status === "received";
}

/** Whether a message in `from` may move to `to`. Failures are terminal; read follows delivery. */
export function canTransition(from: Status, to: Status): boolean {
  if (isTerminal(from) || to === "received") return false;
  return RANK[to] > RANK[from];
}

/** Statuses that mean the recipient has the message: they stamp delivered_at. */
export function isDelivery(status: Status): boolean {
  return status === "delivered" || status === "read";
}

/** Statuses in which a step of a message has ended without reaching its recipient (the next fallback step may start). */
export function isStepFailure(status: Status): boolean {
  return status === "undelivered" || status === "failed";
}
