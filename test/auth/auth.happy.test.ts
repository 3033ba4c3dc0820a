// Both ways of passing an API key that the reference documents, on reads and writes.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { listMessages, smsBody } from "../support/messages.ts";

describe("authentication", () => {
  it("accepts the key as the HTTP Basic username with an empty password (curl -u key:)", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, auth: "basic", json: smsBody() });
    expect(res.status).toBe(201);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("accepts the key as a Bearer token", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, auth: "bearer", json: smsBody() });
    expect(res.status).toBe(201);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("identifies the same account either way: a message created with Basic is retrieved with Bearer", async () => {
    const account = await createAccount();
    const created = await api("/v1/messages", { key: account.key, auth: "basic", json: smsBody() });
    const { id } = await created.json<{ id: string }>();
    const retrieved = await api(`/v1/messages/${id}`, { key: account.key, auth: "bearer" });
    expect(retrieved.status).toBe(200);
    expect(await retrieved.json()).toMatchObject({ id });
  });

  it.each([
    ["bearer", (key: string) => `bearer ${key}`],
    ["BASIC", (key: string) => `BASIC ${btoa(`${key}:`)}`],
  ])("reads the scheme case-insensitively (%s)", async (_scheme, header) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: null, headers: { Authorization: header(account.key) } });
    expect(res.status).toBe(200);
  });

  it("accepts a live key for a live account", async () => {
    const account = await createAccount("live");
    expect(account.key).toMatch(/^sk_live_v3_/);
    expect((await listMessages(account.key)).object).toBe("list");
  });
});
