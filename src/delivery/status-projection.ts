// The message's status, projected from its Durable Object onto its D1 row (what
// GET /v1/messages/:id reads). Writes run one after another, each with the
// state current when it runs, so the last to land carries the newest status.
// A write also reads the account's webhook signing secrets in its round trip
// when the held ones are older than a second (a roll shows in the next
// callback at no extra round trip); they are kept in memory, since storing
// them would cost a storage write per change.
import { database } from "../db/client.ts";
import { writeStatus, writeStatusReadingSecrets } from "../db/messages.ts";
import { logger } from "../log.ts";
import { type DeliveryState, type MessageStore, publicAttempts, type SigningSecrets } from "./message-store.ts";

const SECRETS_REREAD_MS = 1_000;
/** A failed write is tried again this much later, by the object's "project" timer. */
export const PROJECTION_RETRY_MS = 5_000;

export class StatusProjection {
  private queue: Promise<void> = Promise.resolve();
  private signing: SigningSecrets | null = null;

  constructor(
    private readonly store: MessageStore,
    private readonly env: Env,
  ) {}

  /** The freshest signing secrets at hand: read with the last write, or with the message. */
  secrets(state: DeliveryState): SigningSecrets | null {
    return this.signing && this.signing.readAt > (state.signing?.readAt ?? 0) ? this.signing : state.signing;
  }

  /** Writes the current status to D1; if D1 fails, a timer tries again. */
  write(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const state = this.store.state()!;
      const { status, deliveredAt, providerLatencyMs, errorCode, errorMessage, deliveredChannel } = state;
      // A message that never started a step keeps its attempts null (the create's own row, unchanged).
      const attempts = state.attempts.length > 0 ? publicAttempts(state.attempts) : null;
      const projection = { status, deliveredAt, providerLatencyMs, errorCode, errorMessage, attempts, deliveredChannel };
      const db = database(this.env.CONTROL_DB);
      try {
        if (Date.now() - (this.secrets(state)?.readAt ?? 0) < SECRETS_REREAD_MS) await writeStatus(db, state.message.id, projection);
        else {
          const signing = await writeStatusReadingSecrets(db, state.message, projection);
          if (signing) this.signing = { ...signing, readAt: Date.now() };
        }
      } catch (error) {
        logger.with({ message_id: state.message.id }).error("status_projection_failed", { error });
        this.store.addTimer("project", Date.now() + PROJECTION_RETRY_MS);
      }
    });
    return this.queue;
  }
}
