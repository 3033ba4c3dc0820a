// One account never sees or changes another's endpoints, secrets or deliveries.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createEndpoint } from "./webhook-endpoints.fixture.ts";

describe("webhook endpoints across accounts", () => {
  it("answers 404 to another account on every route, and lists none of its endpoints", async () => {
    const owner = await createAccount("live");
    const other = await createAccount("live");
    const endpoint = await createEndpoint(owner, { url: "https://hooks.your-app.com/omniflow", enabled_events: ["*"] });
    const base = `/v1/webhook_endpoints/${endpoint.id}`;
    const requests: [string, Parameters<typeof api>[1]][] = [
      [base, { key: other.key }],
      [`${base}/secret`, { key: other.key }],
      [`${base}/secret/roll`, { key: other.key, method: "POST" }],
      [`${base}/deliveries`, { key: other.key }],
      [`${base}/test`, { key: other.key, method: "POST" }],
      [base, { key: other.key, json: { disabled: true } }],
      [base, { key: other.key, method: "DELETE" }],
    ];
    for (const [path, options] of requests) await expectError(await api(path, options), 404, { code: "resource_missing" });
    expect((await (await api("/v1/webhook_endpoints", { key: other.key })).json<{ data: unknown[] }>()).data).toEqual([]);
    // Untouched: still enabled, secret unchanged.
    expect(await (await api(base, { key: owner.key })).json()).toMatchObject({ status: "enabled" });
    expect(await (await api(`${base}/secret`, { key: owner.key })).json()).toMatchObject({ secret: endpoint.secret, previous_secret_expires_at: null });
  });
});
