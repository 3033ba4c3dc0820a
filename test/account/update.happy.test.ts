// POST /v1/account: the per-recipient limit and the retention, by JSON or form body.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

describe("POST /v1/account", () => {
  it("starts with no per-recipient limit and 400 days of retention", async () => {
    const account = await createAccount();
    const res = await api("/v1/account", { key: account.key });
    expect(await res.json()).toMatchObject({ recipient_limits: { per_hour: null }, retention_days: 400 });
  });

  it("sets the settings given and keeps the others", async () => {
    const account = await createAccount();
    let res = await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 5 } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: "account", id: account.id, recipient_limits: { per_hour: 5 }, retention_days: 400 });
    res = await api("/v1/account", { key: account.key, form: "retention_days=30" });
    expect(await res.json()).toMatchObject({ recipient_limits: { per_hour: 5 }, retention_days: 30 });
    res = await api("/v1/account", { key: account.key });
    expect(await res.json()).toMatchObject({ recipient_limits: { per_hour: 5 }, retention_days: 30 });
  });

  it("turns the limit off with null, or an empty form value", async () => {
    const account = await createAccount();
    await api("/v1/account", { key: account.key, form: "recipient_limits[per_hour]=3" });
    let res = await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: null } } });
    expect(await res.json()).toMatchObject({ recipient_limits: { per_hour: null } });
    await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 3 } } });
    res = await api("/v1/account", { key: account.key, form: "recipient_limits[per_hour]=" });
    expect(await res.json()).toMatchObject({ recipient_limits: { per_hour: null } });
  });
});
