// What a Verifier hands to others after a change: its D1 row (the list's
// projection, on the account's shard) and its verification.* events to the
// account's gate. Both are retried by the Verifier's alarm until they land.
import type { Database } from "../db/client.ts";
import { accountPlacements } from "../db/projections.ts";
import { shardDatabase } from "../db/shards.ts";
import { type VerificationRow, writeVerificationRow } from "../db/verifications.ts";
import { shardOfMessageId } from "../domain/ids.ts";
import { placementOf, shardsWriting } from "../domain/placement.ts";
import { logger } from "../log.ts";
import type { VerificationState, VerificationStore } from "./verification-store.ts";

/** Writes the row if a change left it due; a failure leaves it due for the alarm. */
export async function writeDueRow(store: VerificationStore, env: Env, control: Database): Promise<void> {
  const state = store.state();
  if (!state?.rowDue) return;
  const { version } = state;
  const { id, accountId } = state.verification;
  try {
    // Where the account's placement holds the row now: after a shard move, the target; during one, both sides.
    const placement = placementOf({ placement: (await accountPlacements(control, [accountId])).get(accountId) ?? null });
    const shards = shardsWriting(placement, shardOfMessageId(id));
    await Promise.all(shards.map((shard) => writeVerificationRow(shardDatabase(env, shard), rowOf(state))));
  } catch (error) {
    logger.with({ verification_id: state.verification.id }).warn("verification_row_not_written", { error });
    return;
  }
  // A change made while the write was out is written by its own call.
  const after = store.state()!;
  if (after.version === version) store.save({ ...after, rowDue: false });
}

/**
 * Hands the events to the account's gate, oldest first, which sends each to
 * the account's webhook endpoints subscribed to it (src/gate/account-events.ts).
 * One the gate did not take stops the rest until the alarm tries again, so
 * they reach it in order; at least once.
 */
export async function handEventsToGate(store: VerificationStore, env: Env): Promise<void> {
  const accountId = store.state()?.verification.accountId;
  if (!accountId) return;
  for (const { seq, type, data } of store.gateEvents()) {
    try {
      await env.ACCOUNT_GATE.getByName(accountId).changed({ event: { accountId, type, data } });
    } catch (error) {
      logger.with({ account_id: accountId }).warn("verification_event_not_handed_to_gate", { type, error });
      return;
    }
    store.gateEventTaken(seq);
  }
}

/** The row the list reads: the verification without what the object alone keeps (the code's hash and seal). */
function rowOf({ verification, version }: VerificationState): VerificationRow {
  const {
    id,
    accountId,
    mode,
    to,
    status,
    steps,
    sends,
    codeLength,
    locale,
    checkAttemptsRemaining,
    statusCallback,
    metadata,
    createdAt,
    expiresAt,
    updatedAt,
  } = verification;
  return {
    id,
    accountId,
    mode,
    to,
    status,
    steps,
    sends,
    codeLength,
    locale,
    checkAttemptsRemaining,
    statusCallback,
    metadata,
    createdAt,
    expiresAt,
    updatedAt,
    version,
  };
}
