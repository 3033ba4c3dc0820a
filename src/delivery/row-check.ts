// The object's own check of its D1 row, a while after each change
// (ROW_CHECK_AFTER_MS): whatever lost the change's projection on its way (the
// queue, a shard's outage past the retries, a bug), the row is repaired
// within minutes of the change, late in a message's life as early. One D1
// read of the row's projection_seq; a row behind gets the object's current
// view written directly to every shard that takes it (not through the queue
// again: the path that lost it), and the check is settled. A failed check
// (D1 down) is tried again with backoff. The convergence pass
// (convergence.ts) stays as the backstop for objects that never ring.
//
// A settled check is not written away (a storage row, billed, per check): the
// object remembers it in memory and sets no alarm for it. An instance started
// after an eviction has forgotten, and runs that check once more if something
// sets its alarm again (one more D1 read, no write); the message's next change
// replaces the check anyway.
import type { Database } from "../db/client.ts";
import { rowProjectionSeq } from "../db/projections.ts";
import { backoffSeconds } from "../domain/backoff.ts";
import { logger } from "../log.ts";
import type { DeliveryState } from "./delivery-state.ts";
import { readWhereHeld } from "./message-load.ts";
import type { MessageStore } from "./message-store.ts";
import { projectEverywhere } from "./projection-consumer.ts";
import type { StatusProjection } from "./status-projection.ts";

export class RowChecker {
  constructor(
    private readonly env: Env,
    private readonly controlDb: Database,
    private readonly store: MessageStore,
    private readonly projection: StatusProjection,
  ) {}

  /** Whether the row's check has come. */
  due(state: DeliveryState, now: number): boolean {
    const check = this.projection.openCheck(state);
    return check !== null && check.at <= now;
  }

  /** Reads the row's seq; repairs a row behind the check's; settles the check, or sets it again for a retry. */
  async run(): Promise<void> {
    const held = this.store.state();
    const check = held && this.projection.openCheck(held);
    if (!check) return;
    const messageId = this.store.state()!.message.id;
    try {
      const rowSeq = await readWhereHeld(this.env, this.controlDb, messageId, (db) => rowProjectionSeq(db, messageId));
      // The read let other calls in: a change since then has a check of its own, a forgotten message none.
      if (this.store.state()?.rowCheck?.seq !== check.seq) return;
      if (rowSeq === undefined || rowSeq < check.seq) {
        const view = this.projection.current()!;
        const failed = await projectEverywhere(this.env, this.controlDb, [view]);
        if (failed.size > 0) throw new Error("the row's shard did not take its projection");
        logger.with({ message_id: messageId }).warn("row_check_repaired", { row_seq: rowSeq ?? null, missing: rowSeq === undefined });
      }
      if (this.store.state()?.rowCheck?.seq === check.seq) this.projection.settleCheck(check.seq);
    } catch (error) {
      logger.with({ message_id: messageId }).error("row_check_failed", { error });
      const tries = (check.tries ?? 0) + 1;
      this.settle(check.seq, { ...check, tries, at: Date.now() + backoffSeconds(tries) * 1000 });
    }
  }

  /** The check that failed (`seq`), replaced by its retry in the state as it is now, unless a newer change replaced it already. */
  private settle(seq: number, next: DeliveryState["rowCheck"]): void {
    const state = this.store.state();
    if (state?.rowCheck?.seq !== seq) return;
    this.store.saveState({ ...state, rowCheck: next });
  }
}
