// An account's messages in a status, as conditions the status indexes serve.
// The queued rows have their own partial index (messages_queued_idx) and every
// other status is in messages_account_status_idx, partial on status <> 'queued'
// (src/db/message-schema.ts: a create then writes one entry, not one in each).
// SQLite uses a partial index only for a WHERE that states its predicate, as
// a literal it can read when it plans (never through a bound parameter), so
// each condition carries the predicate of the index that serves it.
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Status } from "../domain/status.ts";
import { messages } from "./message-schema.ts";

const isQueued = sql`${messages.status} = 'queued'`;
const notQueued = sql`${messages.status} <> 'queued'`;

/** Messages in `status` (with account_id = ? and the id order, one of the two indexes serves it). */
export function statusIs(status: Status): SQL {
  return status === "queued" ? isQueued : and(eq(messages.status, status), notQueued)!;
}

/** Messages in one of `statuses`, none of them queued (served by messages_account_status_idx). */
export function statusAmong(statuses: Exclude<Status, "queued">[]): SQL {
  return and(inArray(messages.status, statuses), notQueued)!;
}

/** The reconciler's rows: queued, whatever the account (messages_queued_idx read whole, see stuckQueuedMessagesQuery). */
export const queuedRows = isQueued;
