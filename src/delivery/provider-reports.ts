// A verified provider report applied to the message's Durable Object. A report
// is placed by the hand-off it names (provider and provider message id); one
// that arrives while that hand-off's call is still open (providers do report
// that early, and Twilio does not reliably retry a status callback) is kept in
// the state and applied once the call's answer is recorded, instead of being
// dropped.
import type { Database } from "../db/client.ts";
import type { Receipt } from "../providers/provider.ts";
import type { ReceiptOutcome } from "./handoff-rules.ts";
import type { MessageStore } from "./message-store.ts";
import type { StatusChanges } from "./status-change.ts";
import { suppressFromOutcome } from "./suppression-feed.ts";

/** At most this many early reports are kept per hand-off (a provider sends a few per message: queued, sent, delivered, read). */
const MAX_HELD_REPORTS = 10;

export class ProviderReports {
  constructor(
    private readonly env: Env,
    private readonly controlDb: Database,
    private readonly store: MessageStore,
    private readonly changes: StatusChanges,
  ) {}

  /** A verified report, about the hand-off of any of the message's steps. */
  async apply(receipt: Receipt): Promise<ReceiptOutcome> {
    const state = this.store.state();
    // A verified report proves who sent it, not what it is about: it must come from the provider a step was
    // handed to and carry that hand-off's id.
    const step = state ? state.attempts.findIndex((a) => a.provider === receipt.provider && a.provider_message_id === receipt.providerMessageId) : -1;
    if (!state || !receipt.providerMessageId) return "unknown";
    if (step < 0) {
      // Before a hand-off is recorded there is nothing it can be about, unless the hand-off's call is still open:
      // then it may be about that call's answer, and waits for it.
      if (state.handoffStartedAt === null) return "unknown";
      state.heldReports = [...(state.heldReports ?? []), receipt].slice(-MAX_HELD_REPORTS);
      this.store.commit(state, [{ type: "receipt.held", data: { source: receipt.provider, detail: receipt.detail }, at: Date.now() }]);
      return "held";
    }
    if (receipt.status === null) {
      const { channel, to } = state.attempts[step]!;
      await suppressFromOutcome(this.env, this.controlDb, state.message, undefined, receipt.detail, { channel, to });
      this.store.addEvents([{ type: "receipt.noted", data: { source: receipt.provider, detail: receipt.detail ?? null }, at: Date.now() }]);
      return "noted";
    }
    const { errorCode, errorMessage, detail } = receipt;
    return (await this.changes.step(state, step, receipt.status, { source: receipt.provider, errorCode, errorMessage, detail })) ? "applied" : "ignored";
  }

  /**
   * After a hand-off's answer is recorded (accepted, refused or to be retried): the reports kept while its call
   * was open are applied in the order they came; one that names no recorded hand-off is dropped, and logged.
   */
  async afterHandOff(): Promise<void> {
    const state = this.store.state();
    const held = state?.heldReports ?? [];
    if (!state || held.length === 0) return;
    this.store.saveState({ ...state, heldReports: [] });
    for (const receipt of held) {
      if ((await this.apply(receipt)) !== "unknown") continue;
      this.store.addEvents([{ type: "receipt.dropped", data: { source: receipt.provider, detail: receipt.detail }, at: Date.now() }]);
    }
  }
}
