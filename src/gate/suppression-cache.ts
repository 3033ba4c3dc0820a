// The account gate's answer to "is this recipient suppressed?", so that the
// check costs a create no D1 round trip of its own: each recipient's answer,
// yes or no, is kept once read (a miss rides in the D1 batch of the create's
// other reads). A "no" may be kept because every path that adds or removes a
// suppression (the API, STOP and START replies, bounces, complaints, a
// provider's opted-out error) tells the gate with tellGate({ suppressions }).
import type { CreateReads } from "../db/messages.ts";
import type { Channel } from "../domain/address.ts";

/** Answers kept; past it the cache starts over (an account sending to endless distinct recipients). */
const MAX_CACHED_RECIPIENTS = 10_000;

export type Recipient = NonNullable<CreateReads["recipient"]>;

const keyOf = (recipient: Recipient) => `${recipient.channel}|${recipient.address}`;

export class SuppressionCache {
  readonly #answers = new Map<string, boolean>();

  /** The cached answer, or undefined when D1 must be asked (also when nothing was asked). */
  lookup(recipient: Recipient | undefined): boolean | undefined {
    return recipient && this.#answers.get(keyOf(recipient));
  }

  remember(recipient: Recipient, suppressed: boolean): void {
    if (this.#answers.size >= MAX_CACHED_RECIPIENTS) this.#answers.clear();
    this.#answers.set(keyOf(recipient), suppressed);
  }

  /** These recipients' suppressions changed in D1. */
  forget(recipients: { channel: Channel; address: string }[]): void {
    for (const recipient of recipients) this.#answers.delete(keyOf(recipient));
  }

  clear(): void {
    this.#answers.clear();
  }
}
