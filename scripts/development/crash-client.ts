// The client side of the crash tests (scripts/development/crashtest.ts, crashtest-move.ts): keyed creates
// retried as a careful client retries them, and the API reads that check
// afterwards that every message is there once.
import type { Pool } from "undici";
import { postMessage, sleep } from "../lib/local-api.ts";

export interface ClientCounts {
  attempts: number;
  connectionErrors: number;
  byStatus: Map<number, number>;
}

export const newCounts = (): ClientCounts => ({ attempts: 0, connectionErrors: 0, byStatus: new Map() });

/**
 * One key's create, retried on the same key after a connection error, a 409,
 * a 429 or a 5xx until it gets a 201 or `patienceMs` runs out; the id it was
 * answered with. Any other answer is a failure of the test.
 */
export async function keyedCreate(
  pool: Pool,
  apiKey: string,
  key: string,
  body: string,
  counts: ClientCounts,
  patienceMs: number,
): Promise<string | undefined> {
  const deadline = Date.now() + patienceMs;
  while (Date.now() < deadline) {
    const answer = await postMessage(pool, apiKey, key, body);
    if (!answer) {
      counts.connectionErrors++;
      await sleep(250);
      continue;
    }
    const { status, text, retryAfter } = answer;
    counts.attempts++;
    counts.byStatus.set(status, (counts.byStatus.get(status) ?? 0) + 1);
    if (status === 201) return (JSON.parse(text) as { id: string }).id;
    if (status !== 409 && status !== 429 && status < 500) throw new Error(`a create answered ${status}: ${text}`);
    await sleep(retryAfter ? Number(retryAfter) * 1000 : 250);
  }
  return undefined;
}

/** "value: count, ..." of the values. */
export function tally<T>(values: Iterable<T>): string {
  const counted = new Map<T, number>();
  for (const value of values) counted.set(value, (counted.get(value) ?? 0) + 1);
  return [...counted].map(([value, n]) => `${value}: ${n}`).join(", ");
}

/** How many of `ids` GET /v1/messages/:id answers with that message (`concurrency` reads at a time). */
export async function readableById(pool: Pool, apiKey: string, ids: string[], concurrency: number): Promise<number> {
  let readable = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const res = await pool.request({ path: `/v1/messages/${id}`, method: "GET", headers: { authorization: `Bearer ${apiKey}` } });
        const body = (await res.body.json()) as { id?: string };
        if (res.statusCode === 200 && body.id === id) readable++;
      }
    }),
  );
  return readable;
}
