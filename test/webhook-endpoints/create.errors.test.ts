// Endpoints refused: unknown event types, URLs a status_callback could not
// have, more than 20 per account, and ids that name nothing.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createEndpoint } from "./webhook-endpoints.fixture.ts";

const URL = "https://hooks.your-app.com/omniflow";

describe("webhook endpoints refused", () => {
  it("refuses an event type not in the catalogue, an empty list, and endpoint.test", async () => {
    const account = await createAccount("live");
    for (const enabled_events of [["message.exploded"], [], ["endpoint.test"]]) {
      const res = await api("/v1/webhook_endpoints", { key: account.key, json: { url: URL, enabled_events } });
      await expectError(res, 400, { code: "parameter_invalid" });
    }
  });

  it("refuses a live endpoint on http, on an IP literal, or on loopback; a test account may use loopback", async () => {
    const live = await createAccount("live");
    for (const url of ["http://hooks.your-app.com/x", "https://10.0.0.1/x", "https://localhost/x"]) {
      const res = await api("/v1/webhook_endpoints", { key: live.key, json: { url, enabled_events: ["*"] } });
      await expectError(res, 400, { param: "url", code: "parameter_invalid" });
    }
    const test = await createAccount("test");
    expect((await api("/v1/webhook_endpoints", { key: test.key, json: { url: "http://localhost:4000/hooks", enabled_events: ["*"] } })).status).toBe(201);
    const created = await createEndpoint(live, { url: URL, enabled_events: ["*"] });
    const res = await api(`/v1/webhook_endpoints/${created.id}`, { key: live.key, json: { url: "http://localhost/x" } });
    await expectError(res, 400, { param: "url" });
  });

  it("refuses a 21st endpoint", async () => {
    const account = await createAccount("live");
    for (let i = 0; i < 20; i++) await createEndpoint(account, { url: `${URL}/${i}`, enabled_events: ["*"] });
    const res = await api("/v1/webhook_endpoints", { key: account.key, json: { url: URL, enabled_events: ["*"] } });
    await expectError(res, 400, { code: "endpoint_limit_reached" });
  });

  it("answers 404 for an endpoint or a delivery that does not exist", async () => {
    const account = await createAccount("live");
    const missing = "we_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f";
    await expectError(await api(`/v1/webhook_endpoints/${missing}`, { key: account.key }), 404, { code: "resource_missing" });
    const created = await createEndpoint(account, { url: URL, enabled_events: ["*"] });
    const res = await api(`/v1/webhook_endpoints/${created.id}/deliveries/whd_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f/retry`, { key: account.key, method: "POST" });
    await expectError(res, 404, { param: "delivery_id", code: "resource_missing" });
  });
});
