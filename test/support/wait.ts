// Waiting for the background pipeline (Queue, Durable Objects, alarms) that a
// real end-to-end run goes through.
import type { TestAccount } from "./accounts.ts";
import { api } from "./api.ts";
import { flushProjection } from "./db.ts";

/**
 * Polls GET /v1/messages/:id until its status is one of `statuses` (the
 * pipeline runs in the background). Each poll first writes the message
 * object's current view to its row (flushProjection), so a test waits for the
 * object, not for the projection queue's 1 s batch.
 */
export function waitForStatus(account: TestAccount, id: string, statuses: string[], timeoutMs = 15_000): Promise<Record<string, unknown>> {
  return pollStatus(account, id, statuses, timeoutMs, () => flushProjection(id));
}

/** The same, with the row written by the real projection queue alone: for end-to-end tests and the repairs of lost projections. */
export function waitForStatusThroughQueue(account: TestAccount, id: string, statuses: string[], timeoutMs = 15_000): Promise<Record<string, unknown>> {
  return pollStatus(account, id, statuses, timeoutMs, async () => {});
}

async function pollStatus(
  account: TestAccount,
  id: string,
  statuses: string[],
  timeoutMs: number,
  before: () => Promise<void>,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await before();
    const message = await (await api(`/v1/messages/${id}`, { key: account.key })).json<Record<string, unknown>>();
    if (statuses.includes(message.status as string)) return message;
    if (Date.now() > deadline) throw new Error(`message ${id} still ${String(message.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `check` returns a value other than undefined/false. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
