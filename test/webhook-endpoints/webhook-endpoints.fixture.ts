// What the webhook endpoint tests share: endpoints made through the API, a
// receiver's requests verified with one endpoint's secret, the object's
// attempts at one endpoint.
import { Webhook } from "standardwebhooks";
import { vi } from "vitest";
import type { messageStatusStub } from "../../src/delivery/message-status.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import type { RecordedRequest } from "../support/fake-http.ts";

export interface CreatedEndpoint {
  id: string;
  secret: string;
  url: string;
  enabled_events: string[];
  status: string;
  disabled_reason: string | null;
}

export async function createEndpoint(account: TestAccount, body: Record<string, unknown>): Promise<CreatedEndpoint> {
  const res = await api("/v1/webhook_endpoints", { key: account.key, json: body });
  if (res.status !== 201) throw new Error(`endpoint not created: ${res.status} ${await res.text()}`);
  return res.json<CreatedEndpoint>();
}

/** The event a receiver got, verified as the receiver would have when it arrived; throws when the signature does not verify. */
export function verifyWith(secret: string, request: RecordedRequest) {
  vi.useFakeTimers({ toFake: ["Date"], now: Number(request.headers.get("webhook-timestamp")) * 1000 });
  try {
    return new Webhook(secret).verify(request.body, Object.fromEntries(request.headers)) as { id: string; type: string; data: Record<string, unknown> };
  } finally {
    vi.useRealTimers();
  }
}

/** The object's logged attempts at one endpoint. */
export const endpointAttempts = async (stub: ReturnType<typeof messageStatusStub>, endpointId: string) =>
  (await stub.events()).filter((event) => event.type === "webhook.attempt" && event.data.endpoint_id === endpointId).map((event) => event.data);

export async function deliveries(account: TestAccount, endpointId: string, query = "") {
  const res = await api(`/v1/webhook_endpoints/${endpointId}/deliveries${query}`, { key: account.key });
  if (res.status !== 200) throw new Error(`deliveries not listed: ${res.status} ${await res.text()}`);
  return (await res.json<{ data: Record<string, unknown>[] }>()).data;
}
