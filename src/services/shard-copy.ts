// The bounded steps of a shard move that touch message databases: copy the
// account's messages, verifications, archived usage and idempotency keys from the source to the target,
// compare the two, seal the source's keys, settle the copied claims after the
// flip, delete the source's. Each returns where it got to (a keyset cursor,
// null when the phase is through) and is safe to repeat.
import {
  copyKeys,
  deleteAccountKeys,
  deleteHeldMessages,
  deleteMessagesWithIds,
  keysAfter,
  messagesAfter,
  messagesWithIds,
  sealKeys,
  settleKeys,
  upsertMessages,
  versionsBetween,
} from "../db/shard-move.ts";
import { shardDatabase } from "../db/shards.ts";
import { archivedUsage, deleteAccountUsage, writeArchivedUsage } from "../db/usage-move.ts";
import { deleteHeldVerifications, upsertVerifications, verificationsAfter } from "../db/verification-move.ts";
import { shardSuffix } from "../domain/ids.ts";

export interface MoveShards {
  accountId: string;
  from: number;
  to: number;
  /** The shards whose messages (by their ids) the move carries. */
  bornOn: number[];
}

/** Copies a batch of the account's keys (before the flip; see copyKeys for a claim still running). */
export async function copyKeysStep(env: Env, move: MoveShards, cursor: string | null, batchSize: number): Promise<string | null> {
  const keys = await keysAfter(shardDatabase(env, move.from), move.accountId, cursor, batchSize);
  await copyKeys(shardDatabase(env, move.to), keys);
  return keys.length < batchSize ? null : keys.at(-1)!.key;
}

/** Seals the account's keys at the source: from now on every claim is made at the target, after the flip. */
export async function sealKeysStep(env: Env, move: MoveShards, now: number): Promise<void> {
  await sealKeys(shardDatabase(env, move.from), move.accountId, now);
}

/**
 * Copies a batch of the keys claimed at the source since `since` (after the
 * seal, the last the source will have), with the messages their creates made
 * there, so that a retry at the target after the flip replays that message.
 */
export async function copyKeysClaimedSinceStep(env: Env, move: MoveShards, since: number, cursor: string | null, batchSize: number): Promise<string | null> {
  const source = shardDatabase(env, move.from);
  const target = shardDatabase(env, move.to);
  const keys = await keysAfter(source, move.accountId, cursor, batchSize, since);
  const made = keys.flatMap(({ messageId }) => (messageId === null ? [] : [messageId]));
  await upsertMessages(target, await messagesWithIds(source, move.accountId, made));
  await copyKeys(target, keys);
  return keys.length < batchSize ? null : keys.at(-1)!.key;
}

/** After the flip and its grace (every request at the source has ended): a batch of the keys' copies takes the source's final rows. */
export async function settleKeysStep(env: Env, move: MoveShards, cursor: string | null, batchSize: number): Promise<string | null> {
  const keys = await keysAfter(shardDatabase(env, move.from), move.accountId, cursor, batchSize);
  const last = keys.length < batchSize ? null : keys.at(-1)!.key;
  await settleKeys(shardDatabase(env, move.to), move.accountId, keys, cursor, last);
  return last;
}

/** Copies a batch of the messages; a target row with a later projection is kept. */
export async function copyMessagesStep(env: Env, move: MoveShards, cursor: string | null, batchSize: number): Promise<string | null> {
  const rows = await messagesAfter(shardDatabase(env, move.from), move.accountId, move.bornOn, cursor, batchSize);
  await upsertMessages(shardDatabase(env, move.to), rows);
  return rows.length < batchSize ? null : rows.at(-1)!.id;
}

/**
 * Copies a batch of the verifications' rows; a target row with a later
 * version (its object wrote there during the move) is kept. No compare pass:
 * the recopy after the flip takes every version the source got before it.
 */
export async function copyVerificationsStep(env: Env, move: MoveShards, cursor: string | null, batchSize: number): Promise<string | null> {
  const rows = await verificationsAfter(shardDatabase(env, move.from), move.accountId, move.bornOn, cursor, batchSize);
  await upsertVerifications(shardDatabase(env, move.to), rows);
  return rows.length < batchSize ? null : rows.at(-1)!.id;
}

/**
 * Compares a batch of ids on both sides: a row missing at the target or with
 * an older projection there is copied again; a target row the source no
 * longer has (retention deleted it meanwhile) is deleted. The source is read
 * first, so a projection written to both in between only makes the target
 * look newer, never older. How many rows it repaired.
 */
export async function verifyStep(env: Env, move: MoveShards, cursor: string | null, batchSize: number): Promise<{ cursor: string | null; repaired: number }> {
  const source = shardDatabase(env, move.from);
  const target = shardDatabase(env, move.to);
  const sourceVersions = await versionsBetween(source, move.accountId, move.bornOn, cursor, null, batchSize);
  const last = sourceVersions.length < batchSize ? null : sourceVersions.at(-1)!.id;
  // Past the source's last row, the target's rows are read a batch at a time too; any left over make the pass repair again.
  const targetVersions = await versionsBetween(target, move.accountId, move.bornOn, cursor, last, batchSize);
  const atTarget = new Map(targetVersions.map(({ id, projectionSeq }) => [id, projectionSeq]));
  const atSource = new Set(sourceVersions.map(({ id }) => id));
  const stale = sourceVersions.filter(({ id, projectionSeq }) => (atTarget.get(id) ?? -1) < projectionSeq).map(({ id }) => id);
  const gone = targetVersions.filter(({ id }) => !atSource.has(id)).map(({ id }) => id);
  await upsertMessages(target, await messagesWithIds(source, move.accountId, stale));
  await deleteMessagesWithIds(target, gone);
  return { cursor: last, repaired: stale.length + gone.length };
}

/**
 * Carries the account's archived usage (the figures of messages the archive took out of D1, which no copied
 * row brings) to the target, as it stands at the source: repeated after the flip, it writes the same figures.
 * The archive leaves a moving account alone, so they do not change meanwhile.
 */
export async function carryArchivedUsageStep(env: Env, move: MoveShards): Promise<void> {
  const usage = await archivedUsage(shardDatabase(env, move.from), move.accountId, shardSuffix(move.from));
  await writeArchivedUsage(shardDatabase(env, move.to), usage);
}

/**
 * Deletes a batch of the account's moved messages from the source, then its verifications, its keys, and
 * its usage rollups there, a batch of days at a time (the source is no longer read for it); true when none are left.
 */
export async function deleteStep(env: Env, move: MoveShards, batchSize: number): Promise<boolean> {
  const source = shardDatabase(env, move.from);
  if ((await deleteHeldMessages(source, move.accountId, move.bornOn, batchSize)) === batchSize) return false;
  if ((await deleteHeldVerifications(source, move.accountId, move.bornOn, batchSize)) === batchSize) return false;
  if ((await deleteAccountKeys(source, move.accountId, batchSize)) === batchSize) return false;
  return (await deleteAccountUsage(source, move.accountId, batchSize)) < batchSize;
}
