// Per-operation hooks into the API key guard (authenticate, rateLimit,
// idempotency), which run for every authenticated route before its handler.
// A route declares its hooks in its route config (`middleware:
// operationHooks(...)`); the guard finds them on the route that matched the
// request, so this layer never names a route or a path.

import type { BatchItem } from "drizzle-orm/batch";
import type { Context, MiddlewareHandler } from "hono";
import type { ParsedKey } from "../auth/api-key.ts";
import type { Database } from "../db/client.ts";
import type { Channel } from "../domain/address.ts";
import type { Message } from "../domain/message.ts";
import type { AppEnv, OperationState } from "./context.ts";

/** Reads that ride in the API key lookup's D1 round trip, made before the key is proven. */
interface KeyLookupReads<Prepared> {
  statements: BatchItem<"sqlite">[];
  /** What the handler gets, from the statements' results narrowed to the account the key proved. */
  prepared(results: unknown[], accountId: string): Prepared;
}

export interface OperationHooks<Prepared = unknown> {
  /**
   * The operation's own reads, to run with the key lookup. Called before the
   * key is verified, so every statement must be scoped to the accounts of the
   * key's prefix; null when the body does not allow it (the handler then
   * answers the 400 once the key is checked).
   */
  readWithKey?(body: unknown, db: Database, key: ParsedKey): Promise<KeyLookupReads<Prepared> | null>;
  /** The channel of the message this request would create, when it counts against the daily cap; read before validation. */
  dailyCappedChannel?(body: unknown): Channel | null;
  /**
   * The operation creates a message whose id its Idempotency-Key reserves: the
   * message, once stored, is the key's response (no copy of it is stored).
   */
  createsMessage?: { newId(): string; response(message: Message): unknown };
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
