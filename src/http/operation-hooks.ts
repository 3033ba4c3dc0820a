// What a route adds to its API key guard (src/http/auth.ts): the guard is built
// per route, in the route's `middleware`, from these options, and hands the
// handler what it prepared through typed context variables.
import type { Context } from "hono";
import type { z } from "zod";
import type { CreateReadResults, CreateReads } from "../db/messages.ts";
import type { Account, Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Message } from "../domain/message.ts";
import type { BatchItemRequest, ItemAdmission } from "../gate/batch-admission.ts";
import type { AppEnv } from "./context.ts";
import type { RequestBody } from "./request-body.ts";

/** What a guarded route's handler reads from the context (c.get(...)), typed by its guard. */
export interface GuardedEnv<Prepared> {
  Bindings: Env;
  Variables: AppEnv["Variables"] & {
    /** The account of the API key. */
    account: Account;
    apiKeyId: string;
    /** What the operation's `reads` hook prepared from the gate's answer; undefined when the body did not validate or the gate had no answer for it. */
    prepared: Prepared | undefined;
    /** The id the request's Idempotency-Key reserved for the message (or batch) it creates. */
    reservedId: string | undefined;
    /** A batch create's items as the gate admitted them (see GuardOptions.batchItems). */
    batchItems: ItemAdmission[] | undefined;
    /** Set by a batch create's handler: the indexes of the items it created (the guard gives back the others' takes). */
    createdItems: ReadonlySet<number> | undefined;
  };
}

/** What an operation reads, asked of the account's gate with the request's admission. */
export interface GateReads<Prepared> {
  reads: CreateReads;
  /** The recipient of the message the operation would create, for the account's per-recipient limit. */
  recipient?: string;
  /** The recipient of the verification the operation would start, for the Verify API's fraud guard. */
  verificationRecipient?: string;
  /** What the handler gets, from the gate's answer. */
  prepared(results: CreateReadResults): Prepared;
}

/** A create whose Idempotency-Key reserves the id of the message it makes (see GuardOptions). */
export interface CreatesMessage {
  newId(shard: number): string;
  response(message: Message): unknown;
}

export interface GuardOptions<S extends z.ZodType<object>, Prepared> {
  /** The route's request body, read (once) by the guard when `reads` needs it. */
  body?: RequestBody<S>;
  /**
   * What the operation reads, from its validated body, so that the reads ride
   * with the key check. A body that does not validate reads nothing: the
   * router answers its 400 once the key is checked.
   */
  reads?(input: z.output<S>, mode: Mode): GateReads<Prepared>;
  /**
   * A batch create: its items, admitted in the same gate call as the key, each
   * as one create would be (its daily slot, its recipient's token, its reads).
   */
  batchItems?(input: z.output<S>, mode: Mode): (BatchItemRequest | null)[];
  /** The channel of the message this request would create, when it counts against the daily cap; read before validation. */
  dailyCappedChannel?(body: unknown): Channel | null;
  /**
   * The operation creates a message whose id its Idempotency-Key reserves: the
   * message, once stored, is the key's response (no copy of it is stored).
   * newId: the id of the message a keyed create makes, on the shard its key is stored on (the home).
   */
  createsMessage?: CreatesMessage;
  /**
   * The operation creates a batch whose id its Idempotency-Key reserves (the
   * handler's `reservedId`): a retry that takes over the claim of a request
   * that died after storing the batch finds it by that id and answers it.
   */
  createsBatch?: true;
  /**
   * The operation's answer holds a secret that a later request replaces (the
   * webhook secret roll): the key stores no copy of it, and a replay is this
   * answer, made from the current state, so it never hands out a stale secret.
   */
  replaysCurrentState?(c: Context<GuardedEnv<Prepared>>): Response | Promise<Response>;
  /** A sending_access key may call the operation; without this, only full_access keys may (others get a 403). */
  allowsSendingAccess?: true;
  /** The operation exists for test keys only: to a live key it is a 404, as an unknown route is. */
  testModeOnly?: true;
}
