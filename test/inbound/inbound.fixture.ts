// What the inbound tests share: a simulated reply, an account's inbound
// callback, and its suppressions as the API lists them.
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

/** Every test-mode account has this sandbox sender on SMS and WhatsApp. */
export const SANDBOX_NUMBER = "+15005550006";

export function simulateReply(account: TestAccount, body: Record<string, unknown>) {
  return api("/v1/test_helpers/inbound_messages", {
    key: account.key,
    json: { channel: "SMS", from: "+14155550123", to: SANDBOX_NUMBER, text: "Thanks", ...body },
  });
}

export async function setInboundCallback(account: TestAccount, url: string) {
  const res = await api("/v1/account", { key: account.key, json: { inbound_callback: url } });
  if (res.status !== 200) throw new Error(`POST /v1/account answered ${res.status}: ${await res.text()}`);
  return res.json<Record<string, unknown>>();
}

export interface SuppressionObject {
  id: string;
  channel: string;
  address: string;
  reason: string;
  source_message_id: string | null;
}

export async function suppressionsOf(account: TestAccount, query = ""): Promise<SuppressionObject[]> {
  return (await (await api(`/v1/suppressions${query}`, { key: account.key })).json<{ data: SuppressionObject[] }>()).data;
}
