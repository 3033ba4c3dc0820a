// POST /v1/account changes what it is given in one write, or nothing: a
// setting refused (an inbound_callback to a private address) leaves the
// others given with it unchanged too.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("POST /v1/account", () => {
  it("changes nothing when one of the settings given is refused", async () => {
    const account = await createAccount();
    const res = await api("/v1/account", {
      key: account.key,
      json: { inbound_callback: "http://10.0.0.1/inbound", retention_days: 30, recipient_limits: { per_hour: 5 } },
    });
    await expectError(res, 400, { code: "parameter_invalid", param: "inbound_callback" });
    const stored = await (await api("/v1/account", { key: account.key })).json();
    expect(stored).toMatchObject({ inbound_callback: null, retention_days: 400, recipient_limits: { per_hour: null } });
  });

  it("sets all three together, and an empty inbound_callback removes it", async () => {
    const account = await createAccount();
    const json = { inbound_callback: "https://your-app.com/inbound", retention_days: 30, recipient_limits: { per_hour: 5 } };
    const set = await (await api("/v1/account", { key: account.key, json })).json();
    expect(set).toMatchObject({ inbound_callback: "https://your-app.com/inbound", retention_days: 30, recipient_limits: { per_hour: 5 } });
    const removed = await (await api("/v1/account", { key: account.key, json: { inbound_callback: "" } })).json();
    expect(removed).toMatchObject({ inbound_callback: null, retention_days: 30, recipient_limits: { per_hour: 5 } });
  });
});
