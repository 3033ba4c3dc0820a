// One Durable Object per verification (idFromName(verification id)): it
// serializes the verification's checks, sends and cancel, ends it `expired`
// on its alarm at expires_at (the platform's clock, not the next read),
// delivers its verification.* events in order (verification-outbox.ts) and
// writes its D1 row (the projection lists read), retrying a failed write on
// its alarm every ROW_RETRY_MS. Every alarm handler is idempotent: an alarm
// that fires twice finds nothing left to do. Each await of something other
// than its own storage lets other calls in, so every decision re-reads the
// state after the last such await.
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import type { Channel } from "../domain/address.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import {
  isPending,
  toVerificationObject,
  VERIFICATION_LIMITS,
  type Verification,
  type VerificationObject,
  type VerificationSend,
  type VerificationStatus,
} from "../domain/verification.ts";
import { attemptsOf, type SendViews, sendViews } from "./verification-attempts.ts";
import { VerificationOutbox } from "./verification-outbox.ts";
import { handEventsToGate, writeDueRow } from "./verification-row.ts";
import { type VerificationState, VerificationStore } from "./verification-store.ts";

/** A failed write of the D1 row is tried again this much later (the bound on a list's lag behind the object). */
const ROW_RETRY_MS = 5_000;

export function verifierStub(env: Env, verificationId: string) {
  return env.VERIFIER.get(env.VERIFIER.idFromName(verificationId));
}

export interface VerificationHistory {
  checks: { at: number; valid: boolean }[];
  callbacks: { eventId: string; type: string; attempts: number; outcome: string | null }[];
}

type Ended = { kind: "ended"; status: VerificationStatus };
export type CheckOutcome = { kind: "not_found" } | Ended | { kind: "checked"; valid: boolean; verification: VerificationObject };
export type CancelOutcome = { kind: "not_found" } | Ended | { kind: "canceled"; verification: VerificationObject };
export type ResendReservation =
  | { kind: "not_found" }
  | Ended
  | { kind: "send_limit" }
  | { kind: "too_soon"; retryAfterSeconds: number }
  | { kind: "unknown_channel" }
  | { kind: "reserved"; sealedCode: string; channel: Channel; to: string; verification: Verification };

export class Verifier extends DurableObject<Env> {
  readonly #store = new VerificationStore(this.ctx.storage.sql);
  readonly #control = database(this.env.CONTROL_DB);
  readonly #outbox = new VerificationOutbox(this.#store, this.env, this.#control);

  /**
   * A verification whose first message was just created: stored, its pending
   * event sent, its expiry armed. Idempotent. The code comes sealed
   * (src/domain/verification-code.ts): this object never holds it in clear.
   */
  async start(verification: Verification, codeHash: string, sealedCode: string): Promise<VerificationObject> {
    const views = await sendViews(this.env, verification.sends);
    if (!this.#store.state()) {
      const state: VerificationState = { verification, codeHash, sealedCode, sendReservedAt: null, version: 0, rowDue: true, callbackGone: false };
      this.#changed(state, views, "verification.pending");
    }
    await this.#afterChange();
    return this.#object(this.#store.state()!, views);
  }

  /** The verification as the API shows it; null when it is not the account's. */
  async get(accountId: string): Promise<VerificationObject | null> {
    const found = this.#own(accountId);
    if (!found) return null;
    const views = await sendViews(this.env, found.verification.sends);
    return this.#object(this.#store.state()!, views);
  }

  /** What the Console shows beside the object: the checks and the callbacks' outcomes (never the code); null when not the account's. */
  history(accountId: string): VerificationHistory | null {
    const state = this.#own(accountId);
    if (!state) return null;
    const callbacks = this.#store.events().map(({ eventId, type, attempts, outcome }) => ({ eventId, type, attempts, outcome }));
    return { checks: state.checks ?? [], callbacks };
  }

  /** The sealed code, for the test helper: test mode only (a live verification's code is never answered). */
  testCode(accountId: string): string | null {
    const state = this.#own(accountId);
    return state?.verification.mode === "test" ? state.sealedCode : null;
  }

  async check(accountId: string, codeHash: string): Promise<CheckOutcome> {
    const found = this.#own(accountId);
    if (!found) return { kind: "not_found" };
    const views = await sendViews(this.env, found.verification.sends);
    const state = this.#expireIfDue(this.#store.state()!, views);
    if (!isPending(state.verification)) {
      await this.#afterChange();
      return { kind: "ended", status: state.verification.status };
    }
    const valid = timingSafeEqualStrings(codeHash, state.codeHash);
    state.checks = [...(state.checks ?? []), { at: Date.now(), valid }];
    if (valid) this.#end(state, views, "approved");
    else {
      state.verification.checkAttemptsRemaining -= 1;
      if (state.verification.checkAttemptsRemaining <= 0) this.#end(state, views, "max_attempts_reached");
      else this.#changed(state, views, null);
    }
    await this.#afterChange();
    return { kind: "checked", valid, verification: this.#object(this.#store.state()!, views) };
  }

  async cancel(accountId: string): Promise<CancelOutcome> {
    const found = this.#own(accountId);
    if (!found) return { kind: "not_found" };
    const views = await sendViews(this.env, found.verification.sends);
    const state = this.#expireIfDue(this.#store.state()!, views);
    if (isPending(state.verification)) this.#end(state, views, "canceled");
    await this.#afterChange();
    const now = this.#store.state()!;
    if (now.verification.status !== "canceled") return { kind: "ended", status: now.verification.status };
    return { kind: "canceled", verification: this.#object(now, views) };
  }

  /**
   * A resend's turn: the same code, on `channel` or the channel last tried.
   * Reserved here (the send count and the 30 s spacing hold across racing
   * resends), then recorded with `recordSend` once its message exists, or
   * given back with `releaseSend`.
   */
  async reserveResend(accountId: string, channel: Channel | undefined): Promise<ResendReservation> {
    const found = this.#own(accountId);
    if (!found) return { kind: "not_found" };
    const views = await sendViews(this.env, found.verification.sends);
    const state = this.#expireIfDue(this.#store.state()!, views);
    const { verification } = state;
    if (!isPending(verification) || state.sealedCode === null) {
      await this.#afterChange();
      return { kind: "ended", status: verification.status };
    }
    const now = Date.now();
    if (verification.sends.length + (state.sendReservedAt === null ? 0 : 1) >= VERIFICATION_LIMITS.sends) return { kind: "send_limit" };
    const lastSendMs = Math.max(state.sendReservedAt ?? 0, ...verification.sends.map((send) => send.at * 1000));
    const wait = lastSendMs + VERIFICATION_LIMITS.resendAfter * 1000 - now;
    if (wait > 0) return { kind: "too_soon", retryAfterSeconds: Math.ceil(wait / 1000) };
    const current = attemptsOf(verification.sends, views).at(-1)?.channel ?? verification.steps[0]!.channel;
    const step = verification.steps.find((candidate) => candidate.channel === (channel ?? current));
    if (!step) return { kind: "unknown_channel" };
    this.#store.save({ ...state, sendReservedAt: now });
    return { kind: "reserved", sealedCode: state.sealedCode, channel: step.channel, to: step.to, verification };
  }

  /** A resend's message was created: it counts as a send. */
  async recordSend(send: VerificationSend): Promise<void> {
    const state = this.#store.state();
    if (!state || state.verification.sends.some((known) => known.messageId === send.messageId)) return;
    state.sendReservedAt = null;
    state.verification.sends.push(send);
    this.#changed(state, new Map(), null);
    await this.#afterChange();
  }

  /** A resend's message could not be created: its reservation is given back. */
  releaseSend(): void {
    const state = this.#store.state();
    if (state) this.#store.save({ ...state, sendReservedAt: null });
  }

  async alarm(): Promise<void> {
    const found = this.#store.state();
    if (!found) return;
    const views = isPending(found.verification) ? await sendViews(this.env, found.verification.sends) : new Map();
    this.#expireIfDue(this.#store.state()!, views);
    await this.#afterChange();
  }

  /** The state when the verification is the account's. */
  #own(accountId: string): VerificationState | null {
    const state = this.#store.state();
    return state && state.verification.accountId === accountId ? state : null;
  }

  #expireIfDue(state: VerificationState, views: SendViews): VerificationState {
    if (isPending(state.verification) && Date.now() >= state.verification.expiresAt * 1000) this.#end(state, views, "expired");
    return this.#store.state()!;
  }

  /** The verification ends: the sealed code goes, except in test mode (the test helper's). */
  #end(state: VerificationState, views: SendViews, status: Exclude<VerificationStatus, "pending">): void {
    state.verification.status = status;
    if (state.verification.mode !== "test") state.sealedCode = null;
    state.sendReservedAt = null;
    this.#changed(state, views, `verification.${status}`);
  }

  /** Stores a change (with its event, if any) in one synchronous step; the row and the event go out in `#afterChange`. */
  #changed(state: VerificationState, views: SendViews, eventType: string | null): void {
    const now = Date.now();
    state.verification.updatedAt = Math.floor(now / 1000);
    state.version = Math.max(now, state.version + 1);
    state.rowDue = true;
    this.#store.save(state);
    if (!eventType) return;
    const object = this.#object(state, views);
    this.#outbox.add(state, eventType, object, now);
    this.#store.addGateEvent(eventType, JSON.stringify(object));
  }

  #object(state: VerificationState, views: SendViews): VerificationObject {
    return toVerificationObject(state.verification, attemptsOf(state.verification.sends, views));
  }

  /** The row written if due, the events that are due sent, and the alarm set for what comes next. */
  async #afterChange(): Promise<void> {
    await writeDueRow(this.#store, this.env, this.#control);
    await handEventsToGate(this.#store, this.env);
    await this.#outbox.sendDue();
    const state = this.#store.state();
    if (!state) return;
    const due = [
      isPending(state.verification) ? state.verification.expiresAt * 1000 : null,
      state.rowDue || this.#store.gateEvents().length > 0 ? Date.now() + ROW_RETRY_MS : null,
      state.callbackGone ? null : this.#outbox.nextDue(),
    ].filter((at) => at !== null);
    if (due.length > 0) await this.ctx.storage.setAlarm(Math.min(...due));
    else await this.ctx.storage.deleteAlarm();
  }
}
