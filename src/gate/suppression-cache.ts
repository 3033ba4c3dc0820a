// The account gate's answer to "is this recipient suppressed?", so that the
// check costs a create no D1 round trip of its own. The account's whole list
// is loaded with the account and its keys (same D1 batch) when it has at most
// MAX_PRELOADED entries: then every answer, yes or no, is at hand. A longer
// list is asked per recipient, in the batch of the create's other reads, and
// each answer is kept. Answers may be kept because every path that adds or
// removes a suppression (the API, STOP and START replies, bounces,
// complaints, a provider's opted-out error) tells the gate with tellGate.
import type { Recipient } from "../db/messages.ts";

/** Longest list loaded whole (also what the load reads at most, plus one to tell it is longer). */
export const MAX_PRELOADED = 10_000;
/** Answers kept per recipient for a longer list; past it the cache starts over. */
const MAX_CACHED_RECIPIENTS = 10_000;

export type { Recipient };
/** A suppression added (true) or removed (false), as told to the gate. */
export type SuppressionChange = Recipient & { suppressed: boolean };

const keyOf = (recipient: Recipient) => `${recipient.channel}|${recipient.address}`;

export class SuppressionCache {
  /** The whole list, when it was short enough to load; null: per recipient. */
  #all: Set<string> | null = null;
  readonly #answers = new Map<string, boolean>();

  /** The list as the account's load read it (at most MAX_PRELOADED + 1 entries). */
  load(list: Recipient[]): void {
    this.clear();
    if (list.length <= MAX_PRELOADED) this.#all = new Set(list.map(keyOf));
  }

  /** The answer at hand, or undefined when D1 must be asked (also when nothing was asked). */
  lookup(recipient: Recipient | undefined): boolean | undefined {
    if (!recipient) return undefined;
    return this.#all ? this.#all.has(keyOf(recipient)) : this.#answers.get(keyOf(recipient));
  }

  remember(recipient: Recipient, suppressed: boolean): void {
    if (this.#answers.size >= MAX_CACHED_RECIPIENTS) this.#answers.clear();
    this.#answers.set(keyOf(recipient), suppressed);
  }

  /** What changed in D1, told by the path that changed it. */
  apply(changes: SuppressionChange[]): void {
    for (const change of changes) {
      if (!this.#all) this.remember(change, change.suppressed);
      else if (change.suppressed) this.#all.add(keyOf(change));
      else this.#all.delete(keyOf(change));
    }
  }

  clear(): void {
    this.#all = null;
    this.#answers.clear();
  }
}
