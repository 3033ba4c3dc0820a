// last_used_at: set by the key's use, written at most once a minute per key,
// so a busy key adds no D1 write per request.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { eventually } from "../support/wait.ts";

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Counts the statements that write api_keys.last_used_at from here on. */
function countTouches(): () => number {
  let touches = 0;
  const prepare = env.CONTROL_DB.prepare.bind(env.CONTROL_DB);
  vi.spyOn(env.CONTROL_DB, "prepare").mockImplementation((sql: string) => {
    if (/^update "api_keys" set "last_used_at"/i.test(sql)) touches++;
    return prepare(sql);
  });
  return () => touches;
}

const lastUsedAt = async (key: string, id: string) => (await (await api(`/v1/api_keys/${id}`, { key })).json<{ last_used_at: number | null }>()).last_used_at;

describe("last_used_at", () => {
  it("is written on a key's first use, then not again within the minute, then again after it", async () => {
    const account = await createAccount();
    const { id, secret } = await (await api("/v1/api_keys", { key: account.key, json: { name: "busy" } })).json<{ id: string; secret: string }>();
    expect(await lastUsedAt(account.key, id)).toBeNull();
    const touches = countTouches();
    const before = Math.floor(Date.now() / 1000);
    expect((await api("/v1/account", { key: secret })).status).toBe(200);
    await eventually(async () => (await lastUsedAt(account.key, id)) !== null);
    expect(await lastUsedAt(account.key, id)).toBeGreaterThanOrEqual(before);
    // The checks above used the account's own key; count the busy key's touches alone from here.
    const afterFirst = touches();
    for (let i = 0; i < 5; i++) expect((await api("/v1/account", { key: secret })).status).toBe(200);
    expect(touches()).toBe(afterFirst);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    expect((await api("/v1/account", { key: secret })).status).toBe(200);
    await eventually(() => touches() === afterFirst + 1);
  });
});
