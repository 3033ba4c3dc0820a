// Shared by the batch tests: a batch sent through the API, its answer's shape, and the batch.completed events a
// gate recorded.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

export interface BatchAnswer {
  id: string;
  object: "batch";
  validation: string;
  metadata: Record<string, string>;
  data: ({ id: string; batch_id: string; metadata: Record<string, string>; status: string; to: string } | null)[];
  errors: { index: number; error: { code: string; param?: string; type: string } }[];
}

export function sendBatch(account: TestAccount, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api("/v1/messages/batch", { key: account.key, json: body, headers });
}

/** A distinct valid US number per index. */
export const recipient = (i: number) => `+1415555${String(1000 + i).padStart(4, "0")}`;

/** The batch.completed events the account's gate has recorded for its endpoints. */
export function recordedCompletions(accountId: string): Promise<number> {
  return runInDurableObject(env.ACCOUNT_GATE.getByName(accountId), async (_instance, state) => {
    // A gate that never recorded an account event has no events table.
    const [made] = state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'`).toArray();
    if (!made?.n) return 0;
    const [row] = state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM events WHERE type = 'batch.completed'`).toArray();
    return row?.n ?? 0;
  });
}
