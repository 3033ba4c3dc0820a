// The contract cases of /v1/webhook_endpoints (spread into contractCases in contract-cases.ts).
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { eventually } from "../support/wait.ts";

/** As contract-cases.ts's ContractCase (not imported from there: it imports this table). */
type ContractCase = (account: TestAccount) => Promise<Response>;

const URL = "https://hooks.your-app.com/omniflow";
const MISSING = "we_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";
const LONG = `we_${"0".repeat(70)}`;

async function endpointId(account: TestAccount, url = URL): Promise<string> {
  const res = await api("/v1/webhook_endpoints", { key: account.key, json: { url, enabled_events: ["*"] } });
  return (await res.json<{ id: string }>()).id;
}

/** A live message's first delivery to an endpoint answering `status`, logged: its endpoint and delivery ids. */
async function loggedDelivery(status: number): Promise<{ account: TestAccount; endpoint: string; delivery: string }> {
  const receiver = fakeReceiver();
  receiver.respondWith(() => new Response(null, { status }));
  fakeProviders();
  const account = await createAccount("live");
  const endpoint = await endpointId(account, receiver.url);
  await handedOff("sms", {}, account);
  let delivery = "";
  await eventually(async () => {
    const page = await (await api(`/v1/webhook_endpoints/${endpoint}/deliveries`, { key: account.key })).json<{ data: { id: string }[] }>();
    delivery = page.data[0]?.id ?? "";
    return delivery !== "";
  });
  return { account, endpoint, delivery };
}

async function retryLogged(status: number): Promise<Response> {
  const { account, endpoint, delivery } = await loggedDelivery(status);
  return api(`/v1/webhook_endpoints/${endpoint}/deliveries/${delivery}/retry`, { key: account.key, method: "POST" });
}

export const webhookEndpointCases: Record<string, Record<number, ContractCase>> = {
  "POST /v1/webhook_endpoints": {
    201: (account) => api("/v1/webhook_endpoints", { key: account.key, json: { url: URL, enabled_events: ["message.failed"] } }),
    400: (account) => api("/v1/webhook_endpoints", { key: account.key, json: { url: URL, enabled_events: ["message.exploded"] } }),
  },
  "GET /v1/webhook_endpoints": {
    200: async (account) => {
      await endpointId(account);
      await endpointId(account);
      return api("/v1/webhook_endpoints?limit=1", { key: account.key });
    },
    400: (account) => api("/v1/webhook_endpoints?limit=0", { key: account.key }),
  },
  "GET /v1/webhook_endpoints/{id}": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}`, { key: account.key }),
    400: (account) => api(`/v1/webhook_endpoints/${LONG}`, { key: account.key }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}`, { key: account.key }),
  },
  "POST /v1/webhook_endpoints/{id}": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}`, { key: account.key, json: { description: "CRM" } }),
    400: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}`, { key: account.key, json: { enabled_events: [] } }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}`, { key: account.key, json: { description: "CRM" } }),
  },
  "DELETE /v1/webhook_endpoints/{id}": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}`, { key: account.key, method: "DELETE" }),
    400: (account) => api(`/v1/webhook_endpoints/${LONG}`, { key: account.key, method: "DELETE" }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}`, { key: account.key, method: "DELETE" }),
  },
  "GET /v1/webhook_endpoints/{id}/secret": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}/secret`, { key: account.key }),
    400: (account) => api(`/v1/webhook_endpoints/${LONG}/secret`, { key: account.key }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}/secret`, { key: account.key }),
  },
  "POST /v1/webhook_endpoints/{id}/secret/roll": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}/secret/roll`, { key: account.key, method: "POST" }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}/secret/roll`, { key: account.key, method: "POST" }),
  },
  "GET /v1/webhook_endpoints/{id}/deliveries": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}/deliveries`, { key: account.key }),
    400: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}/deliveries?outcome=lost`, { key: account.key }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}/deliveries`, { key: account.key }),
  },
  "POST /v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry": {
    200: () => retryLogged(200),
    404: async (account) =>
      api(`/v1/webhook_endpoints/${await endpointId(account)}/deliveries/whd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f/retry`, { key: account.key, method: "POST" }),
    409: () => retryLogged(500),
  },
  "POST /v1/webhook_endpoints/{id}/test": {
    200: async (account) => api(`/v1/webhook_endpoints/${await endpointId(account)}/test`, { key: account.key, method: "POST" }),
    404: (account) => api(`/v1/webhook_endpoints/${MISSING}/test`, { key: account.key, method: "POST" }),
  },
};
