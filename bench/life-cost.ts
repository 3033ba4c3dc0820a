// The billed operations a message costs, from the counting Worker's counters
// (bench/counting-worker.ts): over its whole life (created -> final status,
// every callback acknowledged), or for its create alone. D1 is also split by
// database: the control database per message, and each message database
// (shard) per message stored on it.
import { shardOfMessageId } from "../src/domain/ids.ts";
import { type Api, type Created, createAtRate, createMessage, inParallel, sleep } from "./pipeline.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

type Tally = Record<string, number>;
interface Counters {
  d1Reads: Tally;
  d1Writes: Tally;
  d1ByDatabase: Tally;
  queueMessages: Tally;
  durableObjectRequests: Tally;
  durableObjectStorageWrites: Tally;
  d1RowsWritten: Tally;
  durableObjectRowsWritten: Tally;
}

/** One D1 database's load, per message: each shard's per message stored on it, the control database's per message. */
export interface DatabaseCost {
  /** The messages this database's figures are divided by. */
  messages: number;
  readStatements: number;
  writeStatements: number;
  /** Round trips: a statement run alone, or a whole batch. */
  calls: number;
  /** The calls that write (a batch with any write statement). */
  writeCalls: number;
}

export interface OperationCost {
  messages: number;
  d1Writes: number;
  d1Reads: number;
  /** By binding: CONTROL_DB, MESSAGES_DB_0, ... */
  d1ByDatabase: Record<string, DatabaseCost>;
  /** Messages sent to each Queue, per message. */
  queueMessages: Tally;
  durableObjectRequests: number;
  /** Durable Object requests per message by class ("MessageStatus", "AccountGate"). */
  durableObjectRequestsByClass: Tally;
  durableObjectStorageWrites: number;
  /** Rows written as Cloudflare bills them, per message (index entries and SQLite's bookkeeping included); absent from runs before they were counted. */
  rowsWritten?: { d1: number; d1ByDatabase: Tally; durableObjects: number; durableObjectsByClass: Tally };
  breakdown: Pick<Counters, "d1Reads" | "d1Writes" | "durableObjectRequests" | "durableObjectStorageWrites">;
}

export interface LifeCost extends OperationCost {
  finalEvent: string;
  webhooks: number;
  /** Set when the messages were created at a steady rate (the batching of status projections depends on it). */
  perSecond?: number;
}

async function counters(url: string): Promise<Counters> {
  return (await (await fetch(`${url}/__bench/counters`)).json()) as Counters;
}

function delta(after: Tally, before: Tally): Tally {
  const result: Tally = {};
  for (const [key, value] of Object.entries(after)) {
    const grown = value - (before[key] ?? 0);
    if (grown > 0) result[key] = grown;
  }
  return result;
}

function divided(tally: Tally, by: number): Tally {
  return Object.fromEntries(Object.entries(tally).map(([key, value]) => [key, value / by]));
}

const sum = (tally: Tally) => Object.values(tally).reduce((a, b) => a + b, 0);

/** Totals per first word of the counter's keys: the Durable Object class, or the D1 binding. */
function byFirstWord(tally: Tally): Tally {
  const result: Tally = {};
  for (const [key, value] of Object.entries(tally)) {
    const first = key.split(" ", 1)[0]!;
    result[first] = (result[first] ?? 0) + value;
  }
  return result;
}

/** Per database: a shard's counts over the messages its ids name, the control database's over all of them. */
function databaseCosts(counted: Tally, ids: string[]): Record<string, DatabaseCost> {
  const result: Record<string, DatabaseCost> = {};
  for (const binding of Object.keys(byFirstWord(counted)).sort()) {
    const shard = /^MESSAGES_DB_(\d+)$/.exec(binding)?.[1];
    const stored = shard === undefined ? ids.length : ids.filter((id) => shardOfMessageId(id) === Number(shard)).length;
    // A shard holding none of them (it took only their Idempotency-Keys, say): per message of all.
    const messages = stored || ids.length;
    const per = (kind: string) => (counted[`${binding} ${kind}`] ?? 0) / messages;
    result[binding] = { messages, readStatements: per("reads"), writeStatements: per("writes"), calls: per("calls"), writeCalls: per("writeCalls") };
  }
  return result;
}

/** D1's rows written per message (a shard's per message stored on it, as databaseCosts divides), and the objects' per message. */
function rowsWritten(before: Counters, after: Counters, ids: string[]): NonNullable<OperationCost["rowsWritten"]> {
  const d1 = delta(after.d1RowsWritten ?? {}, before.d1RowsWritten ?? {});
  const objects = divided(delta(after.durableObjectRowsWritten ?? {}, before.durableObjectRowsWritten ?? {}), ids.length);
  const d1ByDatabase: Tally = {};
  for (const [binding, rows] of Object.entries(d1)) {
    const shard = /^MESSAGES_DB_(\d+)$/.exec(binding)?.[1];
    const stored = shard === undefined ? ids.length : ids.filter((id) => shardOfMessageId(id) === Number(shard)).length;
    d1ByDatabase[binding] = rows / (stored || ids.length);
  }
  return { d1: sum(d1) / ids.length, d1ByDatabase, durableObjects: sum(objects), durableObjectsByClass: objects };
}

function operationCost(before: Counters, after: Counters, ids: string[]): OperationCost {
  const count = ids.length;
  const breakdown = {
    d1Reads: divided(delta(after.d1Reads, before.d1Reads), count),
    d1Writes: divided(delta(after.d1Writes, before.d1Writes), count),
    durableObjectRequests: divided(delta(after.durableObjectRequests, before.durableObjectRequests), count),
    durableObjectStorageWrites: divided(delta(after.durableObjectStorageWrites, before.durableObjectStorageWrites), count),
  };
  return {
    messages: count,
    d1Writes: sum(breakdown.d1Writes),
    d1Reads: sum(breakdown.d1Reads),
    d1ByDatabase: databaseCosts(delta(after.d1ByDatabase, before.d1ByDatabase), ids),
    queueMessages: divided(delta(after.queueMessages, before.queueMessages), count),
    durableObjectRequests: sum(breakdown.durableObjectRequests),
    durableObjectRequestsByClass: byFirstWord(breakdown.durableObjectRequests),
    durableObjectStorageWrites: sum(breakdown.durableObjectStorageWrites),
    rowsWritten: rowsWritten(before, after, ids),
    breakdown,
  };
}

const QUIET_MS = 2_000;
const QUIET_DEADLINE_MS = 20_000;

/**
 * The counters once the Worker has gone quiet: nothing counted for QUIET_MS.
 * The last status projections are written by the projection queue's consumer
 * up to its batch timeout after the final webhook, and an object's last alarm
 * finishes after the receiver answered it.
 */
async function quietCounters(url: string): Promise<Counters> {
  const deadline = Date.now() + QUIET_DEADLINE_MS;
  let last = await counters(url);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = await counters(url);
    if (JSON.stringify(now) !== JSON.stringify(last)) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) return now;
  }
  throw new Error(`the counting Worker was still busy ${QUIET_DEADLINE_MS / 1000} s after the last message's final webhook`);
}

/**
 * Creates `count` messages with a status_callback (4 at a time, or
 * `perSecond` a second), waits until each one's final webhook was
 * acknowledged and the Worker has gone quiet, and divides what the counting
 * Worker recorded meanwhile by `count`.
 */
export async function lifeCost(
  api: Api,
  receiver: WebhookReceiver,
  body: Record<string, unknown>,
  finalEvent: string,
  count: number,
  { idempotencyKey = false, perSecond }: { idempotencyKey?: boolean; perSecond?: number } = {},
): Promise<LifeCost> {
  const before = await counters(api.url);
  const webhooksBefore = receiver.count();
  const withCallback = { ...body, status_callback: receiver.url };
  const headers = (): Record<string, string> => (idempotencyKey ? { "idempotency-key": crypto.randomUUID() } : {});
  const created: Created[] = perSecond
    ? await createAtRate(api, withCallback, perSecond, count, headers)
    : await inParallel(Array.from({ length: count }), 4, () => createMessage(api, withCallback, headers()));
  const ids = created.map((m) => m.id);
  if (!(await receiver.waitFor(ids, finalEvent, 30_000))) throw new Error(`not every message reached ${finalEvent} within 30 s`);
  const after = await quietCounters(api.url);
  return { ...operationCost(before, after, ids), finalEvent, webhooks: (receiver.count() - webhooksBefore) / count, perSecond };
}

/** Distinct numbers in distinct ranges, so that no fraud guard (per recipient, per prefix) refuses the bench. */
const verifyRecipient = (i: number) => `+1415${200 + (i % 700)}${String(1000 + Math.floor(i / 700)).slice(-4)}`;

async function verifyOnce(api: Api, i: number, callback: string): Promise<string> {
  const headers = { authorization: `Bearer ${api.key}`, "content-type": "application/json" };
  const created = await fetch(`${api.url}/v1/verifications`, {
    method: "POST",
    headers,
    body: JSON.stringify({ to: verifyRecipient(i), status_callback: callback }),
  });
  const { id } = (await created.json()) as { id: string };
  if (created.status !== 201) throw new Error(`POST /v1/verifications answered ${created.status}`);
  const helper = await fetch(`${api.url}/v1/test_helpers/verifications/${id}/code`, { headers });
  const { code } = (await helper.json()) as { code: string };
  const checked = await fetch(`${api.url}/v1/verifications/${id}/check`, { method: "POST", headers, body: JSON.stringify({ code }) });
  if (checked.status !== 200) throw new Error(`POST /v1/verifications/${id}/check answered ${checked.status}`);
  return id;
}

/**
 * What an approved verification costs (SMS, one check): its create, the test
 * helper's read of its code (not billed to a live account, which has none:
 * subtracted as one Verifier call), its check, its message's life and its two
 * callbacks, until the Worker goes quiet; `count` of them, 4 at a time.
 */
export async function verifyCost(api: Api, receiver: WebhookReceiver, count: number): Promise<LifeCost> {
  const before = await counters(api.url);
  const webhooksBefore = receiver.count();
  const ids = await inParallel(
    Array.from({ length: count }, (_, i) => i),
    4,
    (i) => verifyOnce(api, i, receiver.url),
  );
  if (!(await receiver.waitFor(ids, "verification.approved", 30_000))) throw new Error("not every verification's approved callback came within 30 s");
  const after = await quietCounters(api.url);
  // The test helper's request (its gate call and the object's answer) is the bench's, not the verification's.
  const requests = after.durableObjectRequests;
  requests["Verifier testCode"] = before.durableObjectRequests["Verifier testCode"] ?? 0;
  requests["AccountGate admit"] = (requests["AccountGate admit"] ?? 0) - count;
  return { ...operationCost(before, after, ids), finalEvent: "verification.approved", webhooks: (receiver.count() - webhooksBefore) / count };
}

/** What `count` creates alone cost (on an instance without consumers: nothing is delivered), 4 at a time. */
export function acceptCost(api: Api, body: Record<string, unknown>, count: number): Promise<OperationCost> {
  return costOf(api, async () => (await inParallel(Array.from({ length: count }), 4, () => createMessage(api, body))).map((m) => m.id));
}

/** What `create` costs, divided by the messages it created (the ids it answers), once the Worker has gone quiet. */
export async function costOf(api: Api, create: () => Promise<string[]>): Promise<OperationCost> {
  const before = await counters(api.url);
  const ids = await create();
  const after = await quietCounters(api.url);
  return operationCost(before, after, ids);
}
