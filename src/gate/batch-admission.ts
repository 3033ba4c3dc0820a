// A batch create's admission of its items, in the account's gate, in the one
// call that proves the key (src/gate/account-gate.ts): each item takes its
// per-recipient token and its daily slot as one create would, and gets its
// create's reads from the gate's cache. Every take happens before the first
// await, so no other request of the account runs between two items' takes;
// the reads come after, one item at a time, so the first item's template
// and senders load once and serve the rest from the cache.
import type { CreateReadResults, CreateReads } from "../db/messages.ts";
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import { accountLimits, secondsUntilNextUtcDay, utcDay } from "../domain/limits.ts";
import type { CreateReadsCache } from "./create-reads.ts";
import type { GateStore } from "./gate-store.ts";
import type { RecipientLimits } from "./recipient-limits.ts";

/** What one item of a batch asks of the gate (null for an item that did not validate: it asks nothing). */
export interface BatchItemRequest {
  channel: Channel;
  /** As the per-recipient limit counts it (suppressionKey). */
  recipient: string;
  reads: CreateReads;
}

/** What was taken for an item, to give back if it is not created. */
export interface ItemTaken {
  daily: { day: string; channel: Channel } | null;
  recipient?: string;
}

export type ItemAdmission =
  | ({ kind: "admitted"; reads: CreateReadResults } & ItemTaken)
  | { kind: "daily_limited"; channel: Channel; limit: number; retryAfterSeconds: number }
  | { kind: "recipient_limited"; retryAfterSeconds: number }
  | null;

export interface GateParts {
  store: GateStore;
  recipients: RecipientLimits;
  creates: CreateReadsCache;
}

export type SendTake = Exclude<ItemAdmission, null | { kind: "admitted" }> | (ItemTaken & { kind: "taken" });

/**
 * One send's per-recipient token and daily slot, taken as a create takes them
 * (synchronously: nothing of the account's runs between the two): a batch's
 * item, or a verification's resend, which has no create admission of its own.
 */
export function takeSend(parts: Pick<GateParts, "store" | "recipients">, account: Account, item: Omit<BatchItemRequest, "reads">, now: number): SendTake {
  const cap = accountLimits(account).dailyMessagesPerChannel;
  const day = utcDay(now);
  const recipient = parts.recipients.take(account, item.recipient, now);
  if (recipient.retryAfterSeconds) return { kind: "recipient_limited", retryAfterSeconds: recipient.retryAfterSeconds };
  if (cap !== null && !parts.store.reserve(day, item.channel, cap)) {
    parts.recipients.release(recipient.recipient);
    return { kind: "daily_limited", channel: item.channel, limit: cap, retryAfterSeconds: secondsUntilNextUtcDay(now) };
  }
  return { kind: "taken", daily: cap === null ? null : { day, channel: item.channel }, recipient: recipient.recipient };
}

export async function admitItems(parts: GateParts, account: Account, items: (BatchItemRequest | null)[], now: number): Promise<ItemAdmission[]> {
  const taken = items.map((item) => (item ? takeSend(parts, account, item, now) : null));
  const admitted: ItemAdmission[] = [];
  try {
    for (const [i, item] of taken.entries()) {
      if (item?.kind !== "taken") {
        admitted.push(item);
        continue;
      }
      const reads = await parts.creates.read(account.id, items[i]!.reads);
      admitted.push({ kind: "admitted", daily: item.daily, recipient: item.recipient, reads });
    }
  } catch (error) {
    // D1 failed while reading: nothing will be created, so every take goes back.
    releaseItems(
      parts,
      taken.filter((item) => item?.kind === "taken"),
    );
    throw error;
  }
  return admitted;
}

/** Gives back what was taken for items that were not created. */
export function releaseItems(parts: GateParts, items: readonly ItemTaken[]): void {
  for (const item of items) {
    if (item.daily) parts.store.release(item.daily.day, item.daily.channel);
    parts.recipients.release(item.recipient);
  }
}
