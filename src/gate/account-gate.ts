// One Durable Object per account (getByName(account id)): the one call the
// API makes before its own work. It holds the account, the hashes of its
// active API keys and what a message create reads (templates, senders,
// suppressions: src/gate/suppression-cache.ts), all
// loaded from D1 on first use and kept in memory; and the token bucket of
// each key and the account's daily message count per channel. All of an
// account's requests pass through this one instance, so limits are exact
// worldwide and a revoked key fails on the next request.
//
// Freshness: every change written in the Worker (the API, the Console, the
// message objects' suppressions, a shard move's steps) goes through one
// service that tells the gate at once (`changed`). What the gate does not hold
// is read at once (a newly issued key, template or sender works on its first
// request), since it caches only what exists. What it holds is also reloaded
// off the request path once it is older than RELOAD_AFTER_MS, for the changes
// nothing can tell it of (see there).
import { DurableObject } from "cloudflare:workers";
import { accountWithKeys, type GateKey } from "../db/accounts.ts";
import { touchApiKey } from "../db/api-keys.ts";
import { database } from "../db/client.ts";
import type { CreateReadResults, CreateReads, Recipient } from "../db/messages.ts";
import type { Account, Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Permission } from "../domain/api-key.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { accountLimits, secondsUntilNextUtcDay, utcDay } from "../domain/limits.ts";
import { type Rate, ratesFor } from "../domain/price.ts";
import { type Spent, spendWatched } from "../domain/spend.ts";
import { type BucketState, takeToken } from "../domain/token-bucket.ts";
import { logger } from "../log.ts";
import { type AccountEvent, AccountEvents } from "./account-events.ts";
import { admitItems, type BatchItemRequest, type ItemAdmission, type ItemTaken, releaseItems, type SendTake, takeSend } from "./batch-admission.ts";
import { CreateReadsCache } from "./create-reads.ts";
import { EndpointCache, type EndpointTarget } from "./endpoints.ts";
import { GateSpend } from "./gate-spend.ts";
import { GateStore } from "./gate-store.ts";
import { MediaClaims } from "./media-claims.ts";
import { RecipientLimits } from "./recipient-limits.ts";
import type { Charge, SpendWindows } from "./spend-store.ts";
import { MAX_PRELOADED, type SuppressionChange } from "./suppression-cache.ts";
import { thresholdData, USAGE_THRESHOLD_REACHED } from "./usage-alerts.ts";
import { VerificationLimits, type VerificationRefusal, type VerificationRefusalCode, type VerificationSlot } from "./verification-limits.ts";

/**
 * The bound on how stale the gate's copy can be. Two kinds of change never
 * reach `changed`, so this reload stays:
 * - the operator's scripts (`npm run keys -- revoke | limits | number-types |
 *   senders` through the same services as the API, `npm run shards -- add`
 *   with its own statement) run under Node and reach D1 through wrangler
 *   (locally its SQLite files, remotely Cloudflare's D1 HTTP API): a Durable
 *   Object answers only a Worker bound to its namespace, and wrangler's remote
 *   bindings do not reach Durable Objects (scripts/control.ts);
 * - a notice that fails after its write committed (tellGate below: the gate
 *   restarting in a deploy, an overloaded object): the write stands, and only
 *   this reload brings the gate to it.
 */
const RELOAD_AFTER_MS = 10_000;
/** An unknown key reloads the keys at most this often (a burst of bad keys costs one D1 read a second). */
const UNKNOWN_KEY_RELOAD_MS = 1_000;
/** A key's last_used_at is kept to the minute: at most one D1 write a minute per key, off the request path. */
const LAST_USED_RESOLUTION_SECONDS = 60;

export interface AdmitRequest {
  accountId: string;
  /** SHA-256 (hex) of the presented key, and the mode its form says. */
  keyHash: string;
  mode: Mode;
  /** The channel of the message this request would create: its daily cap applies (live mode). */
  dailyCappedChannel: Channel | null;
  /** What the request's operation reads (a message create's template and senders). */
  reads?: CreateReads;
  /** The recipient of the message this request would create: the account's per-recipient limit applies. */
  recipient?: string;
  /** The recipient of the verification this request would start: the Verify API's fraud guard applies (verification-limits.ts). */
  verificationRecipient?: string;
  /** A batch create's items (null: one that did not validate), each admitted as one create would be (batch-admission.ts). */
  items?: (BatchItemRequest | null)[];
}

export type Admission =
  | { kind: "invalid_key" }
  /** D1 failed while the gate read what it lacked: the request cannot be answered now (a 500, retried by the client). */
  | { kind: "unavailable" }
  | {
      kind: "admitted" | "rate_limited" | "daily_limited" | "recipient_limited" | "verification_limited";
      account: Account;
      keyId: string;
      /** full_access, or sending_access (which may only create messages). */
      permission: Permission;
      limit: number;
      remaining: number;
      resetSeconds: number;
      retryAfterSeconds: number;
      /** The daily cap that applied: admitted, the slot taken (give it back with `release` if nothing was created). */
      daily: { day: string; channel: Channel; limit: number } | null;
      /** Admitted, the recipient whose token was taken (give it back with `releaseRecipient` if nothing was created). */
      recipient?: string;
      /** Admitted, the verification's slot (give it back with `releaseVerification` if nothing was created). */
      verificationSlot?: VerificationSlot;
      /** verification_limited: which guard refused. */
      refusal?: VerificationRefusalCode;
      reads: CreateReadResults | null;
      /** A batch's items, admitted or refused each (give the admitted ones' takes back with `releaseItems` if not created). */
      items?: ItemAdmission[];
    };

export interface GateChange {
  keys?: boolean;
  account?: boolean;
  templates?: string[];
  senders?: Channel[];
  /** Recipients suppressed or no longer suppressed. */
  suppressions?: SuppressionChange[];
  /** A webhook endpoint was created, changed or deleted. */
  endpoints?: boolean;
  /** The account event the change makes (src/gate/account-events.ts), for the endpoints subscribed to it. */
  event?: AccountEvent;
}

interface Loaded {
  account: Account;
  keys: GateKey[];
  /** The account's rate card (its overrides and the default card). */
  rates: Rate[];
  at: number;
}

export class AccountGate extends DurableObject<Env> {
  readonly #store = new GateStore(this.ctx.storage.sql);
  readonly #recipients = new RecipientLimits(this.ctx.storage.sql);
  readonly #media = new MediaClaims(this.ctx.storage.sql, this.env.MEDIA);
  readonly #spend = new GateSpend(this.ctx.storage);
  readonly #verifications = new VerificationLimits(this.ctx.storage.sql);
  // Buckets live in memory: an instance is only evicted after a quiet spell
  // longer than any bucket takes to refill, so a fresh bucket is the same one.
  readonly #buckets = new Map<string, BucketState>();
  readonly #db = database(this.env.CONTROL_DB);
  #loaded: Loaded | null = null;
  #loading: { generation: number; promise: Promise<Loaded | null> } | null = null;
  // Bumped by every change: a D1 read that started before a change must not
  // fill the cache with what it read.
  #generation = 0;
  readonly #creates = new CreateReadsCache(this.#db, () => this.#generation);
  readonly #endpoints = new EndpointCache(this.#db);
  readonly #events = new AccountEvents(this.ctx.storage.sql, this.ctx.storage, this.env, this.#db, this.#endpoints);
  readonly #parts = { store: this.#store, recipients: this.#recipients, creates: this.#creates };

  async admit(request: AdmitRequest): Promise<Admission> {
    // A failure is answered, not thrown: an exception leaving an object's
    // method is reported by the runtime as uncaught, besides reaching the caller.
    try {
      return await this.#admit(request);
    } catch (error) {
      logger.error("gate_unavailable", { account_id: request.accountId, error });
      return { kind: "unavailable" };
    }
  }

  async #admit(request: AdmitRequest): Promise<Admission> {
    let loaded = this.#loaded ?? (await this.#load(request.accountId));
    let key = loaded && matchingKey(loaded, request.keyHash);
    if (loaded && !key && Date.now() - loaded.at > UNKNOWN_KEY_RELOAD_MS) {
      loaded = await this.#load(request.accountId);
      key = loaded && matchingKey(loaded, request.keyHash);
    } else if (loaded && Date.now() - loaded.at > RELOAD_AFTER_MS) {
      this.ctx.waitUntil(this.#load(request.accountId).catch((error) => logger.warn("gate_reload_failed", { account_id: request.accountId, error })));
    }
    const now = Date.now();
    // A rolled key works until its overlap ends, to the second.
    if (!loaded || !key || loaded.account.mode !== request.mode || (key.expiresAt !== null && key.expiresAt * 1000 <= now)) return { kind: "invalid_key" };
    this.#touch(key, now);

    const { account } = loaded;
    const { id: keyId, permission } = key;
    const limits = accountLimits(account);
    const taken = takeToken(this.#buckets.get(keyId), limits.bucket, now);
    this.#buckets.set(keyId, taken.state);
    const rate = { limit: limits.bucket.capacity, remaining: taken.remaining, resetSeconds: taken.resetSeconds, retryAfterSeconds: taken.retryAfterSeconds };
    if (!taken.allowed) return { kind: "rate_limited", account, keyId, permission, ...rate, daily: null, reads: null };
    const verification = request.verificationRecipient === undefined ? null : this.#verifications.take(account, request.verificationRecipient, now);
    if (verification?.retryAfterSeconds) {
      const { code, retryAfterSeconds } = verification;
      return { kind: "verification_limited", account, keyId, permission, ...rate, retryAfterSeconds, refusal: code, daily: null, reads: null };
    }
    const verificationSlot = verification?.slot;
    const recipient = this.#recipients.take(account, request.recipient, now);
    if (recipient.retryAfterSeconds) {
      if (verificationSlot) this.#verifications.release(verificationSlot);
      return { kind: "recipient_limited", account, keyId, permission, ...rate, ...recipient, daily: null, reads: null };
    }

    const cap = limits.dailyMessagesPerChannel;
    const channel = request.dailyCappedChannel;
    const daily = cap !== null && channel !== null ? { day: utcDay(now), channel, limit: cap } : null;
    if (daily && !this.#store.reserve(daily.day, daily.channel, daily.limit)) {
      this.#recipients.release(recipient.recipient);
      if (verificationSlot) this.#verifications.release(verificationSlot);
      return { kind: "daily_limited", account, keyId, permission, ...rate, retryAfterSeconds: secondsUntilNextUtcDay(now), daily, reads: null };
    }
    // A create learns whether the account has endpoints, which its message's object then asks for (src/gate/endpoints.ts).
    const creates = request.reads !== undefined || request.items !== undefined;
    const [found, hasEndpoints] = await Promise.all([
      request.reads ? this.#creates.read(account.id, request.reads) : null,
      creates ? this.#endpoints.any(account.id) : undefined,
    ]);
    // The card's rates for what it creates come with it (pricing), from the account this gate holds.
    const reads = found && request.reads ? { ...found, endpoints: hasEndpoints, ...pricing(loaded, request.reads) } : null;
    const items = request.items
      ? pricedItems(loaded, request.items, await admitItems(this.#parts, account, request.items, now)).map((item) =>
          item?.kind === "admitted" ? { ...item, reads: { ...item.reads, endpoints: hasEndpoints } } : item,
        )
      : undefined;
    return {
      kind: "admitted",
      account,
      keyId,
      permission,
      ...rate,
      daily,
      ...recipient,
      ...(verificationSlot ? { verificationSlot } : {}),
      reads,
      ...(items ? { items } : {}),
    };
  }

  /** Records the key's use in D1 when the recorded one is a minute old, off the request path. */
  #touch(key: GateKey, now: number): void {
    const seconds = Math.floor(now / 1000);
    if (key.lastUsedAt !== null && seconds - key.lastUsedAt < LAST_USED_RESOLUTION_SECONDS) return;
    key.lastUsedAt = seconds;
    const write = touchApiKey(this.#db, key.id, seconds, LAST_USED_RESOLUTION_SECONDS);
    this.ctx.waitUntil(write.catch((error) => logger.warn("last_used_not_written", { key_id: key.id, error })));
  }

  /**
   * A create's estimated price counted against the account's spend limits
   * and alerts (gate-spend.ts), from the account this gate holds: no D1 read.
   * `enforceLimits` false: a fallback step's price, counted at its hand-off.
   */
  async spend(accountId: string, amount: number, currency: string | null, enforceLimits = true): Promise<Charge | null> {
    const loaded = this.#loaded ?? (await this.#load(accountId));
    if (!loaded) return null;
    const { account } = loaded;
    // The counts are kept only while the account has a limit or an alert (spend-start.ts starts them).
    if (!spendWatched(account)) return null;
    // A spend already made (a fallback step handed off) is counted whatever the limits: they refuse creates only.
    const rules = enforceLimits ? account : { ...account, spendLimitDaily: null, spendLimitMonthly: null };
    const charge = await this.#spend.charge(rules, amount, currency);
    // An alert that fires also goes to the webhook endpoints subscribed to usage.threshold_reached.
    const fired = charge.kind === "charged" ? charge.fired : [];
    for (const alert of fired) {
      const data = JSON.stringify(thresholdData(alert, charge.kind === "charged" ? charge.spent : { day: 0, month: 0 }, currency, Date.now()));
      await this.#events.record({ accountId, type: USAGE_THRESHOLD_REACHED, data }, async () => account.mode);
    }
    if (fired.length > 0) await this.#spend.rearm();
    return charge;
  }

  /** The account just got a spend limit or an alert: its counts start from the spend its rollups recorded. */
  startSpend(recorded: Spent): void {
    this.#spend.start(recorded);
  }

  /**
   * A batch's items' estimated prices, charged in order in one call, each as
   * spend() charges a single create's (null: an item with no price, not charged).
   */
  async spendItems(accountId: string, items: ({ amount: number; currency: string | null } | null)[]): Promise<(Charge | null)[]> {
    const charges: (Charge | null)[] = [];
    for (const item of items) charges.push(item && (await this.spend(accountId, item.amount, item.currency)));
    return charges;
  }

  /** A batch whose messages are all final (src/delivery/batch-completion.ts): its batch.completed, once. */
  async batchCompleted(accountId: string, batchId: string, data: string): Promise<void> {
    const modeOf = async () => (this.#loaded ?? (await this.#load(accountId)))?.account.mode ?? null;
    await this.#events.recordOnce(`batch.completed:${batchId}`, { accountId, type: "batch.completed", data }, modeOf);
  }

  /** Gives back the charges of messages (a create's, or a batch's items) that were not stored. */
  refundItems(charges: { amount: number; windows: SpendWindows }[]): void {
    for (const charge of charges) this.#spend.refund(charge.amount, charge.windows);
  }

  /** Gives back a daily slot whose request created no message. */
  release(day: string, channel: Channel): void {
    this.#store.release(day, channel);
  }

  /**
   * Whether each recipient is on the account's suppression list now: asked by
   * a scheduled message's object at its send time (a STOP may have come after
   * the create), answered from the same cache as a create's check.
   */
  async suppressed(accountId: string, recipients: Recipient[]): Promise<boolean[]> {
    if (recipients.length === 0) return [];
    const [recipient, ...stepRecipients] = recipients;
    const answer = await this.#creates.read(accountId, { recipient, stepRecipients });
    return [answer.suppressed, ...(answer.stepSuppressed ?? [])];
  }

  /** A verification's resend: its recipient's token and its channel's daily slot, as a create takes them; give them back with `releaseItems`. */
  async takeSend(accountId: string, recipient: string, channel: Channel): Promise<SendTake> {
    const loaded = this.#loaded ?? (await this.#load(accountId));
    if (!loaded) throw new Error(`account ${accountId} not found by its gate`);
    return takeSend(this.#parts, loaded.account, { recipient, channel }, Date.now());
  }

  /** Gives back the takes of a batch's items that were not created. */
  releaseItems(items: ItemTaken[]): void {
    releaseItems(this.#parts, items);
  }

  /** Gives back a per-recipient token whose request created no message. */
  releaseRecipient(recipient: string): void {
    this.#recipients.release(recipient);
  }

  /** A create is about to look for these files of the account in R2 and refer to them (media-claims.ts). */
  claimMedia(sha256s: string[]): Promise<void> {
    return this.#media.claim(sha256s, Date.now());
  }

  /** Deletes the account's file unless a create claimed it lately (media-claims.ts); whether it did. */
  collectMedia(accountId: string, sha256: string, countedAtMs: number): Promise<boolean> {
    return this.#media.collect(accountId, sha256, countedAtMs);
  }

  /** Gives back a verification's fraud-guard slot whose request created no verification. */
  releaseVerification(slot: VerificationSlot): void {
    this.#verifications.release(slot);
  }

  /** The fraud guard's latest refusals, newest first (the Console shows them). */
  verificationRefusals(): VerificationRefusal[] {
    return this.#verifications.refusals();
  }

  /** Something the gate caches changed in D1: it is read again on next use. The account event it makes goes out. */
  async changed(change: GateChange): Promise<void> {
    this.#generation++;
    if (change.keys || change.account) this.#loaded = null;
    this.#creates.changed(change);
    if (change.endpoints) this.#endpoints.changed();
    const { event } = change;
    if (event) await this.#events.record(event, async () => (this.#loaded ?? (await this.#load(event.accountId)))?.account.mode ?? null);
  }

  /** The delivery log's retry of an account event: sent again to one endpoint, same webhook-id. */
  async retryAccountEvent(endpointId: string, eventId: string): Promise<boolean> {
    const requeued = this.#events.requeue(endpointId, eventId);
    await this.#events.armAlarm();
    await this.#spend.rearm();
    return requeued;
  }

  /** The gate's timers: retries of account events to webhook endpoints, and the usage alerts' posts (gate-spend.ts). */
  async alarm(): Promise<void> {
    await this.#events.alarm();
    const accountId = this.#loaded?.account.id ?? (await this.#spend.pendingAccountId());
    const loaded = this.#loaded ?? (accountId ? await this.#load(accountId) : null);
    if (loaded) await this.#spend.deliver(loaded.account);
  }

  /** The enabled webhook endpoints a message of this account fans its events out to (asked once per message, only when there are some). */
  endpointSubscriptions(accountId: string) {
    return this.#endpoints.subscriptions(accountId);
  }

  /** Where and with which secrets to send to an endpoint now; null when it is disabled or deleted. */
  endpointTarget(accountId: string, endpointId: string): Promise<EndpointTarget | null> {
    return this.#endpoints.target(accountId, endpointId);
  }

  /**
   * The account and its keys from D1, one load at a time; a reload also drops
   * the cached reads. A load that began before a change is not shared with a
   * request that came after it: that request reads again.
   */
  #load(accountId: string): Promise<Loaded | null> {
    const generation = this.#generation;
    if (this.#loading?.generation === generation) return this.#loading.promise;
    const promise: Promise<Loaded | null> = accountWithKeys(this.#db, accountId, MAX_PRELOADED)
      .then((row) => {
        const loaded = row && { account: row.account, keys: row.keys, rates: row.rates, at: Date.now() };
        if (generation === this.#generation) this.#loaded = loaded;
        this.#creates.reset(row && generation === this.#generation ? row.suppressions : null);
        this.#endpoints.reset(row && generation === this.#generation ? row.enabledEndpoints : null);
        return loaded;
      })
      .finally(() => {
        if (this.#loading?.promise === promise) this.#loading = null;
      });
    this.#loading = { generation, promise };
    return promise;
  }
}

/** The card's rates a create's reads asked for (the message's and its steps'). */
function pricing(loaded: Loaded, reads: CreateReads): { rates?: Rate[] } {
  return reads.prices ? { rates: ratesFor(loaded.rates, loaded.account.id, reads.prices) } : {};
}

/** A batch's admitted items with the card's rates their reads asked for. */
function pricedItems(loaded: Loaded, requests: (BatchItemRequest | null)[], items: ItemAdmission[]): ItemAdmission[] {
  return items.map((item, i) => (item?.kind === "admitted" ? { ...item, reads: { ...item.reads, ...pricing(loaded, requests[i]!.reads) } } : item));
}

/** The account's key with this hash, compared in constant time. */
function matchingKey(loaded: Loaded, hash: string): GateKey | undefined {
  return loaded.keys.find((key) => timingSafeEqualStrings(hash, key.hash));
}

/**
 * Tells the account's gate that something it caches changed in D1. Called
 * after the write commits; if the gate cannot be reached the change still
 * stands, and the gate's own reload picks it up within RELOAD_AFTER_MS.
 */
export async function tellGate(env: Env, accountId: string, change: GateChange): Promise<void> {
  try {
    await env.ACCOUNT_GATE.getByName(accountId).changed(change);
  } catch (error) {
    logger.warn("gate_change_not_delivered", { account_id: accountId, error });
  }
}
