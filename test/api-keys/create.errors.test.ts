import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("bad input to the key operations", () => {
  it("is a 400 naming the field, and stores no key", async () => {
    const account = await createAccount();
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ name: "a\nb" }, "name"],
      [{ name: "ok", permission: "admin" }, "permission"],
      [{ name: "ok", secret: "sk_test_v2_chosen" }, "secret"],
    ];
    for (const [body, param] of cases) {
      await expectError(await api("/v1/api_keys", { key: account.key, json: body }), 400, { param });
    }
    const list = await (await api("/v1/api_keys", { key: account.key })).json<{ data: unknown[] }>();
    expect(list.data).toHaveLength(1);
  });

  it("refuses an overlap longer than a day or not a whole number of seconds", async () => {
    const account = await createAccount();
    const { id } = await (await api("/v1/api_keys", { key: account.key, json: { name: "k" } })).json<{ id: string }>();
    for (const expires_in of [86_401, -1, 1.5, "soon"]) {
      await expectError(await api(`/v1/api_keys/${id}/roll`, { key: account.key, json: { expires_in } }), 400, { param: "expires_in" });
    }
    const key = await (await api(`/v1/api_keys/${id}`, { key: account.key })).json<{ expires_at: number | null }>();
    expect(key.expires_at).toBeNull();
  });

  it("is a 404 for an unknown key id", async () => {
    const account = await createAccount();
    const unknown = "key_00000000000000000000000000000000";
    for (const [method, path] of [
      ["GET", unknown],
      ["DELETE", unknown],
      ["POST", `${unknown}/roll`],
    ] as const) {
      await expectError(await api(`/v1/api_keys/${path}`, { key: account.key, method, json: method === "POST" ? {} : undefined }), 404, {
        code: "resource_missing",
        param: "id",
      });
    }
  });
});
