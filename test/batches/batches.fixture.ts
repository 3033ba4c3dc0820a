// Shared by the batch tests: a batch sent through the API, and its answer's shape.
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
