// The contract cases of prices and usage (issue 29), beside contract-cases.ts:
// the create's 402 and GET /v1/usage.
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";

// contract-cases.ts's shape, restated (it imports this file, so importing it back would be a cycle).
type ContractCase = (account: TestAccount) => Promise<Response>;

/** A create whose estimated price passes the account's daily spend limit. */
export async function spendLimitReached(account: TestAccount): Promise<Response> {
  await setAccountRate(account, "sms", "US", "0.0079");
  await api("/v1/account", { key: account.key, json: { spend_limits: { daily: "0.0100" } } });
  await api("/v1/messages", { key: account.key, json: smsBody() });
  return api("/v1/messages", { key: account.key, json: smsBody() });
}

export const priceContractCases: Record<string, Record<number, ContractCase>> = {
  "GET /v1/usage": {
    200: async (account) => {
      await setAccountRate(account, "sms", "US", "0.0079");
      await api("/v1/messages", { key: account.key, json: smsBody() });
      return api("/v1/usage?group_by=channel,country,day,api_key,status", { key: account.key });
    },
    400: (account) => api("/v1/usage?group_by=planet", { key: account.key }),
  },
};
