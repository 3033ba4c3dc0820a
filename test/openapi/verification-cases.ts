// The contract's cases for the Verify routes (merged into contractCases).
import { vi } from "vitest";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

type ContractCase = (account: TestAccount) => Promise<Response>;

const UNKNOWN = "vrf_019ec8f3a1b27c3d8e9f0a1b2c3d0000";
const TOO_LONG = `vrf_${"0".repeat(70)}`;

async function started(account: TestAccount, to = "+14155550123"): Promise<string> {
  const res = await api("/v1/verifications", { key: account.key, json: { to } });
  return (await res.json<{ id: string }>()).id;
}

async function code(account: TestAccount, id: string): Promise<string> {
  return (await (await api(`/v1/test_helpers/verifications/${id}/code`, { key: account.key })).json<{ code: string }>()).code;
}

async function canceled(account: TestAccount): Promise<string> {
  const id = await started(account);
  await api(`/v1/verifications/${id}/cancel`, { key: account.key, method: "POST" });
  return id;
}

export const verificationContractCases: Record<string, Record<number, ContractCase>> = {
  "POST /v1/verifications": {
    201: (account) => api("/v1/verifications", { key: account.key, json: { to: "+14155550123", channels: ["WHATSAPP", "SMS"] } }),
    400: (account) => api("/v1/verifications", { key: account.key, json: { to: "+14155550123", locale: "xx" } }),
  },
  "GET /v1/verifications": {
    200: async (account) => {
      await started(account);
      await started(account, "+14155550124");
      return api("/v1/verifications?limit=1", { key: account.key });
    },
    400: (account) => api("/v1/verifications?status=sent", { key: account.key }),
  },
  "GET /v1/verifications/{id}": {
    200: async (account) => api(`/v1/verifications/${await started(account)}`, { key: account.key }),
    400: (account) => api(`/v1/verifications/${TOO_LONG}`, { key: account.key }),
    404: (account) => api(`/v1/verifications/${UNKNOWN}`, { key: account.key }),
  },
  "POST /v1/verifications/{id}/check": {
    200: async (account) => {
      const id = await started(account);
      return api(`/v1/verifications/${id}/check`, { key: account.key, json: { code: await code(account, id) } });
    },
    400: (account) => api(`/v1/verifications/${UNKNOWN}/check`, { key: account.key, json: { code: "abc" } }),
    404: (account) => api(`/v1/verifications/${UNKNOWN}/check`, { key: account.key, json: { code: "123456" } }),
    409: async (account) => api(`/v1/verifications/${await canceled(account)}/check`, { key: account.key, json: { code: "123456" } }),
  },
  "POST /v1/verification_checks": {
    200: async (account) => {
      const id = await started(account, "+14155550125");
      return api("/v1/verification_checks", { key: account.key, json: { to: "+14155550125", code: await code(account, id) } });
    },
    400: (account) => api("/v1/verification_checks", { key: account.key, json: { to: "+1415", code: "123456" } }),
    404: (account) => api("/v1/verification_checks", { key: account.key, json: { to: "+14155550199", code: "123456" } }),
  },
  "POST /v1/verifications/{id}/cancel": {
    200: async (account) => api(`/v1/verifications/${await started(account)}/cancel`, { key: account.key, method: "POST" }),
    404: (account) => api(`/v1/verifications/${UNKNOWN}/cancel`, { key: account.key, method: "POST" }),
    409: async (account) => {
      const id = await started(account);
      await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code: await code(account, id) } });
      return api(`/v1/verifications/${id}/cancel`, { key: account.key, method: "POST" });
    },
  },
  "POST /v1/verifications/{id}/resend": {
    200: async (account) => {
      const id = await started(account);
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
      try {
        return await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
      } finally {
        vi.useRealTimers();
      }
    },
    400: (account) => api(`/v1/verifications/${UNKNOWN}/resend`, { key: account.key, json: { channel: "FAX" } }),
    404: (account) => api(`/v1/verifications/${UNKNOWN}/resend`, { key: account.key, method: "POST" }),
    409: async (account) => api(`/v1/verifications/${await canceled(account)}/resend`, { key: account.key, method: "POST" }),
    429: async (account) => api(`/v1/verifications/${await started(account)}/resend`, { key: account.key, method: "POST" }),
  },
  "GET /v1/test_helpers/verifications/{id}/code": {
    200: async (account) => api(`/v1/test_helpers/verifications/${await started(account)}/code`, { key: account.key }),
    400: (account) => api(`/v1/test_helpers/verifications/${TOO_LONG}/code`, { key: account.key }),
    404: (account) => api(`/v1/test_helpers/verifications/${UNKNOWN}/code`, { key: account.key }),
  },
};
