// The contract cases of the batch routes (merged into contract-cases.ts).
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";

// As contract-cases.ts's ContractCase (not imported: that file imports this one).
type ContractCase = (account: TestAccount) => Promise<Response>;

const batchOf = (messages: unknown[]) => ({ messages });

async function createdBatchId(key: string, sendAt?: number): Promise<string> {
  const res = await api("/v1/messages/batch", { key, json: batchOf([smsBody(sendAt === undefined ? {} : { send_at: sendAt })]) });
  return (await res.json<{ id: string }>()).id;
}

export const batchContractCases: Record<string, Record<number, ContractCase>> = {
  "POST /v1/messages/batch": {
    201: (account) => api("/v1/messages/batch", { key: account.key, json: batchOf([smsBody(), smsBody({ to: "+14155550124" })]) }),
    400: (account) => api("/v1/messages/batch", { key: account.key, json: batchOf([smsBody(), smsBody({ to: "not-a-number" })]) }),
  },
  "GET /v1/batches/{id}": {
    200: async (account) => api(`/v1/batches/${await createdBatchId(account.key)}`, { key: account.key }),
    400: (account) => api(`/v1/batches/bat_${"0".repeat(70)}`, { key: account.key }),
    404: (account) => api("/v1/batches/bat_0123456789abcdef0123456789abcdef", { key: account.key }),
  },
  "POST /v1/batches/{id}/cancel": {
    200: async (account) =>
      api(`/v1/batches/${await createdBatchId(account.key, Math.floor(Date.now() / 1000) + 3600)}/cancel`, { key: account.key, method: "POST" }),
    404: (account) => api("/v1/batches/bat_0123456789abcdef0123456789abcdef/cancel", { key: account.key, method: "POST" }),
  },
};
