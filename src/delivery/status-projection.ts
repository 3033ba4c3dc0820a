// The message's status, projected from its Durable Object onto its D1 row
// (what GET /v1/messages/:id reads): the object sends its whole current view
// to the projection queue, whose consumer writes many messages' views to each
// shard in one D1 batch (projection-consumer.ts). The object itself writes no
// D1. Sends run one after another, each with the state current when it runs;
// `seq` orders them, since the Queue delivers at least once and in any order.
import type { Projection } from "../db/projections.ts";
import { logger } from "../log.ts";
import { type DeliveryState, publicAttempts } from "./delivery-state.ts";
import type { MessageStore } from "./message-store.ts";
import { statePrice } from "./state-price.ts";

/** A failed send is tried again this much later, by the object's "project" timer. */
export const PROJECTION_RETRY_MS = 5_000;

/**
 * Before each send the object's alarm is set this far ahead, unless it rings
 * sooner anyway: the state is stored before the send goes out, and if the
 * object dies between the two, that alarm sends the projection again
 * (MessageAlarm.run re-sends on a ring that finds nothing else due). After a
 * send that went out, the caller sets the alarm for what is really due.
 */
const PROJECTION_SAFETY_MS = 10_000;

/**
 * A change's row is checked this long after the change (row-check.ts): long
 * enough for the queue's own delivery and first retries, short enough that a
 * projection lost late in a message's life is repaired within minutes.
 */
export const ROW_CHECK_AFTER_MS = 120_000;

/** The projection of a state: everything the row shows that the object changes. */
function projectionOf(state: DeliveryState, seq: number): Projection {
  const { status, deliveredAt, providerLatencyMs, errorCode, errorMessage, deliveredChannel } = state;
  const { id, accountId, redactedAt } = state.message;
  // A message that never started a step keeps its attempts null (the create's own row, unchanged).
  const attempts = state.attempts.length > 0 ? publicAttempts(state.attempts) : null;
  const { price, priceStatus } = statePrice(state);
  return {
    messageId: id,
    accountId,
    seq,
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
    ...(state.message.batchId ? { batchId: state.message.batchId } : {}),
  };
}

export class StatusProjection {
  private queue: Promise<void> = Promise.resolve();
  private lastSeq = 0;
  private settledCheck: number | null = null;
  /** Calls under way whose projection their caller writes (forCaller), and whether a change has owed them one. */
  private callers = 0;
  private owed = false;

  constructor(
    private readonly store: MessageStore,
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
  ) {}

  /**
   * A ms clock made monotonic. Sends are a Queue round trip apart, so the
   * sequence keeps to the clock, and a new instance of the object (after an
   * eviction, which takes far longer than a ms) starts past the old one's.
   */
  private nextSeq(): number {
    this.lastSeq = Math.max(Date.now(), this.lastSeq + 1);
    return this.lastSeq;
  }

  /**
   * Before a change's state write: its row is to be checked ROW_CHECK_AFTER_MS
   * from now for a seq newer than any sent so far (the change's own send takes
   * a later one). Kept in the state, so the change's own write stores it; a
   * burst of changes shares one check, moved to the last one's.
   */
  checkRowLater(state: DeliveryState): void {
    state.rowCheck = { seq: this.nextSeq(), at: Date.now() + ROW_CHECK_AFTER_MS };
  }

  /** The row's check `seq` ran and left the row level: done, without a storage write (row-check.ts says why). */
  settleCheck(seq: number): void {
    this.settledCheck = seq;
  }

  /** The state's row check, unless this instance has settled it. */
  openCheck(state: DeliveryState): NonNullable<DeliveryState["rowCheck"]> | null {
    return state.rowCheck && state.rowCheck.seq !== this.settledCheck ? state.rowCheck : null;
  }

  /**
   * The current view with a fresh seq, sent nowhere: for a repair that writes
   * it itself (convergence.ts, projection-dead-letters.ts); null without state.
   */
  current(): Projection | null {
    const state = this.store.state();
    return state ? projectionOf(state, this.nextSeq()) : null;
  }

  /** Whether a projection now goes to a caller (forCaller) instead of the queue. */
  get toCaller(): boolean {
    return this.callers > 0;
  }

  /**
   * Runs `work` with the projections its changes would send owed to the caller instead (the delivery consumer, which
   * writes its batch's views to D1 itself: direct-projections.ts): the current view with a fresh seq once `work` is
   * done, or null when nothing changed. A change that another request makes meanwhile is owed to this caller too
   * (its view is the newer). If `work` throws, what is owed goes to the queue as it would have.
   */
  async forCaller<T>(work: () => Promise<T>): Promise<{ result: T; projection: Projection | null }> {
    this.callers += 1;
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.callers -= 1;
      if (this.owed && this.callers === 0) {
        this.owed = false;
        await this.write();
      }
      throw error;
    }
    this.callers -= 1;
    const projection = this.owed ? this.current() : null;
    this.owed = false;
    return { result, projection };
  }

  /**
   * Sends the current state to the projection queue; if the send fails, a timer sends the then current state. While
   * a caller writes the projections (forCaller), only notes that one is owed: if that caller never writes it (it
   * died), the change's row check (checkRowLater, set with the change) writes it.
   */
  write(): Promise<void> {
    if (this.callers > 0) {
      this.owed = true;
      return Promise.resolve();
    }
    this.queue = this.queue.then(async () => {
      const state = this.store.state()!;
      const safety = Date.now() + PROJECTION_SAFETY_MS;
      const alarm = await this.storage.getAlarm();
      if (alarm === null || alarm > safety) await this.storage.setAlarm(safety);
      try {
        await this.env.PROJECTIONS_QUEUE.send(projectionOf(state, this.nextSeq()), { contentType: "json" });
      } catch (error) {
        logger.with({ message_id: state.message.id }).error("status_projection_failed", { error });
        if (!this.store.hasTimer("project")) this.store.addTimer("project", Date.now() + PROJECTION_RETRY_MS);
      }
    });
    return this.queue;
  }
}
