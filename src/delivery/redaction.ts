// Content retention in a message's Durable Object. A `discard` message loses
// its content, variables and rendered text once it is final: from the
// object's state, from the signed callbacks stored in its event log, and from
// its D1 row (through the status projection, which carries redacted_at);
// POST /v1/messages/:id/redact does the same on demand for any
// final message. Status, timestamps and error stay. The change that makes the
// message final is stored already redacted, so its own callback carries no
// content either. At the end of the account's retention_days the object's
// whole storage goes (emptyStorage).
import { unixSeconds } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import { isFinal } from "../domain/retention.ts";
import type { Status } from "../domain/status.ts";
import type { DeliveryState } from "./delivery-state.ts";
import { MessageStore } from "./message-store.ts";
import type { StatusProjection } from "./status-projection.ts";

export type RedactOutcome = { kind: "redacted"; redactedAt: number; status: Status } | { kind: "not_final"; status: Status } | { kind: "no_state" };

export function redactedMessage(message: Message, at: number): Message {
  // Fallback steps carry content of their own (their text, or the template rendered for their channel).
  const fallback = message.fallback?.map((step) => ({ ...step, content: null, rendered: null })) ?? null;
  return { ...message, content: {}, rendered: null, fallback, redactedAt: at };
}

export class Redaction {
  constructor(
    private readonly store: MessageStore,
    private readonly projection: StatusProjection,
  ) {}

  /**
   * Before a change is stored: a `discard` message that this change makes
   * final loses its content in `state`. True when it did (then call `finish`
   * once the state is saved, before the change is projected).
   */
  onChange(state: DeliveryState, now: number): boolean {
    if (state.message.contentRetention !== "discard" || state.message.redactedAt || !isFinal(state.status)) return false;
    state.message = redactedMessage(state.message, unixSeconds(now));
    return true;
  }

  /** On demand: any final message. */
  async redact(now: number): Promise<RedactOutcome> {
    const state = this.store.state();
    if (!state) return { kind: "no_state" };
    if (!isFinal(state.status)) return { kind: "not_final", status: state.status };
    if (!state.message.redactedAt) {
      state.message = redactedMessage(state.message, unixSeconds(now));
      this.projection.checkRowLater(state);
      this.store.saveState(state);
    }
    this.finish();
    await this.projection.write();
    return { kind: "redacted", redactedAt: state.message.redactedAt!, status: state.status };
  }

  /** The rest, after the redacted state is saved: the callbacks in the event log (the row follows with the projection). */
  finish(): void {
    const redactedAt = this.store.state()!.message.redactedAt!;
    this.store.rewriteWebhookBodies((body) => {
      const event = JSON.parse(body) as { data: Record<string, unknown> };
      // The message object shows each fallback step's own content too.
      const steps = Array.isArray(event.data.fallback) ? { fallback: (event.data.fallback as object[]).map((step) => ({ ...step, content: null })) } : {};
      return JSON.stringify({ ...event, data: { ...event.data, ...steps, content: null, redacted_at: redactedAt } });
    });
  }
}

/**
 * Everything the object stores, gone (message retention: the row is deleted
 * too). The empty tables are made again so that a late call to the same
 * instance finds no message instead of failing.
 */
export async function emptyStorage(storage: DurableObjectStorage): Promise<void> {
  await storage.deleteAlarm();
  await storage.deleteAll();
  new MessageStore(storage.sql);
}
