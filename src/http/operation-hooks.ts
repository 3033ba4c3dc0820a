// Per-operation hooks into the API key guard (authenticate through the
// account's gate, then idempotency), which run for every authenticated route before its handler.
// A route declares its hooks in its route config (`middleware:
// operationHooks(...)`); the guard finds them on the route that matched the
// request, so this layer never names a route or a path.

import type { Context, MiddlewareHandler } from "hono";
import type { CreateReadResults, CreateReads } from "../db/messages.ts";
import type { Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Message } from "../domain/message.ts";
import type { AppEnv, OperationState } from "./context.ts";

/** What an operation reads, asked of the account's gate with the request's admission. */
interface GateReads<Prepared> {
  reads: CreateReads;
  /** The recipient of the message the operation would create, for the account's per-recipient limit. */
  recipient?: string;
  /** What the handler gets, from the gate's answer. */
  prepared(results: CreateReadResults): Prepared;
}

export interface OperationHooks<Prepared = unknown> {
  /**
   * The operation's body, checked before the key is (so that its reads ride
   * with the admission), and what it reads; null when the body does not
   * validate (the handler then answers the 400 once the key is checked).
   */
  prepare?(body: unknown, mode: Mode): Promise<GateReads<Prepared> | null>;
  /** The channel of the message this request would create, when it counts against the daily cap; read before validation. */
  dailyCappedChannel?(body: unknown): Channel | null;
  /**
   * The operation creates a message whose id its Idempotency-Key reserves: the
   * message, once stored, is the key's response (no copy of it is stored).
   */
  /** newId: the id of the message a keyed create makes, on the shard its key is stored on (the home). */
  createsMessage?: { newId(shard: number): string; response(message: Message): unknown };
  /**
   * The operation's answer holds a secret that a later request replaces (the
   * webhook secret roll): the key stores no copy of it, and a replay is this
   * answer, made from the current state, so it never hands out a stale secret.
   */
  replaysCurrentState?(c: Context<AppEnv>): Response | Promise<Response>;
  /** A sending_access key may call the operation; without this, only full_access keys may (others get a 403). */
  allowsSendingAccess?: true;
}

const HOOKS = Symbol("operation hooks");
type HookCarrier = MiddlewareHandler & { [HOOKS]?: OperationHooks };

/** A route config's `middleware` entry that declares the operation's hooks; it does nothing when it runs. */
export function operationHooks<Prepared>(hooks: OperationHooks<Prepared>): MiddlewareHandler {
  const carrier: HookCarrier = (_c, next) => next();
  carrier[HOOKS] = hooks as OperationHooks;
  return carrier;
}

const NO_HOOKS: OperationHooks = {};

/** The hooks of the route that matched this request (none for most). */
export function hooksOf(c: Context<AppEnv>): OperationHooks {
  for (const route of c.req.matchedRoutes) {
    const hooks = (route.handler as HookCarrier)[HOOKS];
    if (hooks) return hooks;
  }
  return NO_HOOKS;
}

/** The guard's results for an operation, typed by its hooks. */
export function operationState<Prepared>(c: Context<AppEnv>, _hooks: OperationHooks<Prepared>): { prepared?: Prepared; reservedId?: string } {
  const state = c.get("operation");
  return { prepared: state?.prepared as Prepared | undefined, reservedId: state?.reservedId };
}

/** Records what the guard prepared for the handler. */
export function setOperationState(c: Context<AppEnv>, update: OperationState): void {
  c.set("operation", { ...c.get("operation"), ...update });
}
