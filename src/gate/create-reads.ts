// What a message create reads, cached in the account's gate: templates,
// sender pools and the suppression list (suppression-cache.ts), for the
// message and each of its fallback steps. What the cache lacks is read from
// D1 in one batch; only what exists is cached, so a template or sender added
// straight in D1 works on its first use. Every change made through the API is
// told to the gate (GateChange), and a load that began before a change is
// not cached after it (the gate's generation counter).
import type { Database } from "../db/client.ts";
import { type CreateReadResults, type CreateReads, type Recipient, readForCreate } from "../db/messages.ts";
import type { Channel } from "../domain/address.ts";
import type { Sender } from "../domain/sender.ts";
import type { Template } from "../domain/template.ts";
import { SuppressionCache, type SuppressionChange } from "./suppression-cache.ts";

/** Cached create reads per kind; past it the cache starts over (an account with endless distinct `from`s). */
const MAX_CACHED_READS = 1_000;

export class CreateReadsCache {
  readonly #templates = new Map<string, Template>();
  readonly #senders = new Map<string, Sender[]>();
  readonly #suppressions = new SuppressionCache();

  constructor(
    private readonly db: Database,
    /** The gate's count of changes: a read that began before one is not cached. */
    private readonly generation: () => number,
  ) {}

  /** The account was (re)loaded: everything is read again, and its suppression list is the one loaded (null: not loaded). */
  reset(suppressions: Recipient[] | null): void {
    this.#templates.clear();
    this.#senders.clear();
    if (suppressions) this.#suppressions.load(suppressions);
    else this.#suppressions.clear();
  }

  /** What changed in D1, told through the API. */
  changed(change: { templates?: string[]; senders?: Channel[]; suppressions?: SuppressionChange[] }): void {
    for (const id of change.templates ?? []) this.#templates.delete(id);
    for (const channel of change.senders ?? []) {
      for (const key of this.#senders.keys()) if (key.startsWith(`${channel}|`)) this.#senders.delete(key);
    }
    this.#suppressions.apply(change.suppressions ?? []);
  }

  /** A create's reads, from the cache or, for what it lacks, from D1 in one round trip. */
  async read(accountId: string, reads: CreateReads): Promise<CreateReadResults> {
    const { templateId } = reads;
    const template = templateId === undefined ? undefined : this.#templates.get(templateId);
    // The message's senders and recipient and each fallback step's, alike.
    const senderReads = [reads.senders, ...(reads.stepSenders ?? [])];
    const keys = senderReads.map((read) => read && `${read.channel}|${read.address ?? ""}`);
    const cached = keys.map((key) => (key === undefined ? [] : this.#senders.get(key)));
    const recipients = [reads.recipient, ...(reads.stepRecipients ?? [])];
    const known = recipients.map((recipient) => (recipient ? this.#suppressions.lookup(recipient) : false));
    const lacking = (i: number) => (cached[i] === undefined ? senderReads[i] : undefined);
    const unknown = recipients.filter((recipient, i) => recipient && known[i] === undefined) as Recipient[];
    const missing: CreateReads = {
      templateId: templateId !== undefined && !template ? templateId : undefined,
      senders: lacking(0),
      recipient: unknown[0] === reads.recipient ? reads.recipient : undefined,
      ...(reads.stepSenders ? { stepSenders: reads.stepSenders.map((_, i) => lacking(i + 1)) } : {}),
      stepRecipients: unknown.filter((recipient) => recipient !== reads.recipient),
    };
    const answer = (found: (Sender[] | undefined)[], suppressed: (boolean | undefined)[], loadedTemplate?: Template): CreateReadResults => ({
      template: template ?? loadedTemplate,
      senders: found[0] ?? [],
      suppressed: suppressed[0] ?? false,
      ...(reads.stepSenders ? { stepSenders: found.slice(1).map((pool) => pool ?? []) } : {}),
      ...(reads.stepRecipients ? { stepSuppressed: suppressed.slice(1).map((answer) => answer ?? false) } : {}),
    });
    if (missing.templateId === undefined && cached.every((pool) => pool !== undefined) && unknown.length === 0) return answer(cached, known);
    const generation = this.generation();
    const loaded = await readForCreate(this.db, accountId, missing);
    const loadedPools = [loaded.senders, ...(loaded.stepSenders ?? [])];
    const found = cached.map((pool, i) => pool ?? loadedPools[i] ?? []);
    const loadedAnswers = new Map<Recipient, boolean>();
    if (missing.recipient) loadedAnswers.set(missing.recipient, loaded.suppressed);
    for (const [i, recipient] of (missing.stepRecipients ?? []).entries()) loadedAnswers.set(recipient, loaded.stepSuppressed?.[i] ?? false);
    const suppressed = recipients.map((recipient, i) => known[i] ?? (recipient ? loadedAnswers.get(recipient) : false));
    if (generation === this.generation()) {
      if (missing.templateId !== undefined && loaded.template) cache(this.#templates, missing.templateId, loaded.template);
      // Only what exists is cached (as for templates): a sender added straight
      // in D1 (the operator's binding) then works on its first use.
      keys.forEach((key, i) => {
        if (key !== undefined && cached[i] === undefined && found[i]!.length > 0) cache(this.#senders, key, found[i]!);
      });
      for (const [recipient, answer] of loadedAnswers) this.#suppressions.remember(recipient, answer);
    }
    return answer(found, suppressed, loaded.template);
  }
}

function cache<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_CACHED_READS) map.clear();
  map.set(key, value);
}
