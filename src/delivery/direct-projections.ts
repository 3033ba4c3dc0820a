// The delivery consumer's own writes of what its hand-offs changed: each
// message's object answers the job with the projection of its change
// (MessageStatus.deliver with `projectToCaller`), and the consumer writes
// those of its batch to their rows as the projection consumer writes them
// (projectEverywhere: the placements, one D1 batch per shard, the
// projection_seq guard), instead of each object sending one to the projection
// queue: a Queue message (a write, a read and a delete) fewer per message. A
// projection waits for the batch's other answers at most FLUSH_AFTER_MS, so a
// slow provider holds up no other message's row. Those D1 did not take go to
// the projection queue; one that neither took is its job's to retry (the
// object, finding the message handed off, answers its view again). A consumer
// that dies between an answer and its write loses that projection: the
// object's row check, set with the change (ROW_CHECK_AFTER_MS), writes it,
// within the bound every lost projection has.
import type { Database } from "../db/client.ts";
import type { Projection } from "../db/projections.ts";
import { logger } from "../log.ts";
import { projectEverywhere } from "./projection-consumer.ts";

/** How long a projection waits for the batch's slower hand-offs before it is written without them. */
const FLUSH_AFTER_MS = 50;

interface Waiting {
  projection: Projection;
  done: (written: boolean) => void;
}

export class DirectProjections {
  private waiting: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly env: Env,
    private readonly controlDb: () => Database,
    /** The batch's jobs still to answer: when none is left, what waits is written at once. */
    private open: number,
  ) {}

  /** A job's answer: its projection, written with the others (true once D1 or the projection queue took it), or none. */
  answered(projection: Projection | undefined): Promise<boolean> {
    this.open -= 1;
    const written = projection ? new Promise<boolean>((done) => this.waiting.push({ projection, done })) : Promise.resolve(true);
    if (this.open === 0) this.flush();
    else if (projection) this.timer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
    return written;
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const taken = this.waiting;
    this.waiting = [];
    if (taken.length > 0) void this.write(taken);
  }

  private async write(taken: Waiting[]): Promise<void> {
    // Two jobs of one message in a batch: its newest view carries the other's.
    const newest = new Map<string, Projection>();
    for (const { projection } of taken) {
      const held = newest.get(projection.messageId);
      if (!held || projection.seq > held.seq) newest.set(projection.messageId, projection);
    }
    let failed: Set<string>;
    try {
      failed = await projectEverywhere(this.env, this.controlDb(), [...newest.values()]);
    } catch (error) {
      logger.error("direct_projection_failed", { count: newest.size, error });
      failed = new Set(newest.keys());
    }
    let queued = true;
    if (failed.size > 0) {
      try {
        await this.env.PROJECTIONS_QUEUE.sendBatch([...failed].map((id) => ({ body: newest.get(id)!, contentType: "json" as const })));
      } catch (error) {
        logger.error("direct_projection_not_queued", { count: failed.size, error });
        queued = false;
      }
    }
    for (const { projection, done } of taken) done(queued || !failed.has(projection.messageId));
  }
}
