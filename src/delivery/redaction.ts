// Content retention in a message's Durable Object. A `discard` message loses
// its content, variables and rendered text once it is final: from the
// object's state, from the signed callbacks stored in its event log, and from
// its D1 row; POST /v1/messages/:id/redact does the same on demand for any
// final message. Status, timestamps and error stay. The change that makes the
// message final is stored already redacted, so its own callback carries no
// content either. At the end of the account's retention_days the object's
// whole storage goes (emptyStorage).
import { database } from "../db/client.ts";
import { redactMessageRow } from "../db/retention.ts";
import { unixSeconds } from "../domain/ids.ts";
import type { Message } from "../domain/message.ts";
import { isFinal } from "../domain/retention.ts";
import type { Status } from "../domain/status.ts";
import { logger } from "../log.ts";
import { type DeliveryState, MessageStore } from "./message-store.ts";

/** A failed D1 write is tried again this much later, by the object's "redact" timer. */
const REDACT_RETRY_MS = 5_000;

export type RedactOutcome = { kind: "redacted"; redactedAt: number; status: Status } | { kind: "not_final"; status: Status } | { kind: "no_state" };

export function redactedMessage(message: Message, at: number): Message {
  // Fallback steps carry content of their own (their text, or the template rendered for their channel).
  const fallback = message.fallback?.map((step) => ({ ...step, content: null, rendered: null })) ?? null;
  return { ...message, content: {}, rendered: null, fallback, redactedAt: at };
}

export class Redaction {
  constructor(
    private readonly store: MessageStore,
    private readonly env: Env,
  ) {}

  /**
   * Before a change is stored: a `discard` message that this change makes
   * final loses its content in `state`. True when it did (then call `finish`
   * once the state is saved).
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
      this.store.saveState(state);
    }
    await this.finish();
    return { kind: "redacted", redactedAt: state.message.redactedAt!, status: state.status };
  }

  /** The rest, after the redacted state is saved: the callbacks in the event log, then the D1 row. */
  async finish(): Promise<void> {
    const redactedAt = this.store.state()!.message.redactedAt!;
    this.store.rewriteWebhookBodies((body) => {
      const event = JSON.parse(body) as { data: Record<string, unknown> };
      // The message object shows each fallback step's own content too.
      const steps = Array.isArray(event.data.fallback) ? { fallback: (event.data.fallback as object[]).map((step) => ({ ...step, content: null })) } : {};
      return JSON.stringify({ ...event, data: { ...event.data, ...steps, content: null, redacted_at: redactedAt } });
    });
    await this.writeRow();
  }

  /** The D1 row; if D1 fails, a timer tries again. */
  async writeRow(): Promise<void> {
    const { message } = this.store.state()!;
    try {
      await redactMessageRow(database(this.env.CONTROL_DB), message.id, message.redactedAt!);
    } catch (error) {
      logger.with({ message_id: message.id }).error("redaction_not_written", { error });
      this.store.addTimer("redact", Date.now() + REDACT_RETRY_MS);
    }
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
