// A verification's status_callback outbox: its verification.* events, signed
// and retried exactly as a message's status callbacks are (webhooks.ts: the
// Standard Webhooks signature with the account's secrets, one attempt's
// rules, the same retry schedule), sent one at a time, oldest first. The
// first attempt runs with the change that made the event; retries run on the
// verification object's alarm (`nextDue`).
import type { Database } from "../db/client.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import type { VerificationObject } from "../domain/verification.ts";
import type { SigningSecrets } from "./delivery-state.ts";
import { readSigningSecrets } from "./signing-secrets.ts";
import type { VerificationState, VerificationStore } from "./verification-store.ts";
import { attemptWebhook, retryDelaySeconds, signedHeaders, signingSecrets } from "./webhooks.ts";

/** Held signing secrets older than this are read again before they sign (a roll shows in the next callback). */
const SECRETS_REREAD_MS = 1_000;

export class VerificationOutbox {
  #signing: SigningSecrets | null = null;
  /** An attempt is waiting for its answer (in memory: it dies with the object exactly when the attempt does). */
  #sending = false;

  constructor(
    private readonly store: VerificationStore,
    private readonly env: Env,
    private readonly controlDb: Database,
  ) {}

  /** Queues the event of a change, when the verification has a callback. */
  add(state: VerificationState, type: string, data: VerificationObject, now: number): void {
    if (!state.verification.statusCallback || state.callbackGone) return;
    const eventId = newId("evt");
    const body = JSON.stringify({ id: eventId, object: "event", type, created_at: unixSeconds(now), data });
    this.store.addEvent(eventId, type, body, now);
  }

  /** When the oldest pending event is next due (ms); null when none is. */
  nextDue(): number | null {
    return this.store.pending()?.nextAt ?? null;
  }

  /** Sends what is due, oldest first, until one has to wait for its retry. */
  async sendDue(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      for (let event = this.store.pending(); event && event.nextAt <= Date.now(); event = this.store.pending()) {
        await this.#attempt(event);
      }
    } finally {
      this.#sending = false;
    }
  }

  async #attempt(event: NonNullable<ReturnType<VerificationStore["pending"]>>): Promise<void> {
    const state = this.store.state()!;
    const url = state.verification.statusCallback!;
    const stop = (outcome: string) => {
      this.store.save({ ...state, callbackGone: true });
      this.store.endQueued(outcome);
    };
    // Checked again at delivery: the rules may have tightened since the verification was created.
    if (state.callbackGone || callbackUrlProblem(url, state.verification.mode)) return stop("abandoned");
    const signing = await this.#secrets(state.verification.accountId, state.verification.id);
    if (!signing) return stop("abandoned");
    const result = await attemptWebhook(url, signedHeaders(signingSecrets(signing), event.eventId, event.body), event.body);
    if (result.outcome === "delivered") return this.store.recordAttempt(event.seq, "delivered", Date.now());
    if (result.outcome === "gone") {
      this.store.recordAttempt(event.seq, "disabled", Date.now());
      return stop("disabled");
    }
    const delay = retryDelaySeconds(event.attempts + 1, result.retryAfterSeconds);
    this.store.recordAttempt(event.seq, delay === null ? "abandoned" : null, Date.now() + (delay ?? 0) * 1000);
  }

  async #secrets(accountId: string, verificationId: string): Promise<SigningSecrets | null> {
    if (this.#signing && Date.now() - this.#signing.readAt < SECRETS_REREAD_MS) return this.#signing;
    // The id ends in its shard as a message id does: the secrets' copy on that database signs.
    this.#signing = await readSigningSecrets(this.env, this.controlDb, accountId, verificationId);
    return this.#signing;
  }
}
