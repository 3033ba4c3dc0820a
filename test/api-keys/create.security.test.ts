// Keys of one account are invisible to another, and sending_access keys may
// only create messages.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("another account's API key", () => {
  it("is a 404 to retrieve, roll and revoke, and keeps working", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const key = await (await api("/v1/api_keys", { key: owner.key, json: { name: "mine" } })).json<{ id: string; secret: string }>();
    for (const [method, path] of [
      ["GET", key.id],
      ["DELETE", key.id],
      ["POST", `${key.id}/roll`],
    ] as const) {
      await expectError(await api(`/v1/api_keys/${path}`, { key: other.key, method, json: method === "POST" ? {} : undefined }), 404, {
        code: "resource_missing",
      });
    }
    const list = await (await api("/v1/api_keys", { key: other.key })).json<{ data: { id: string }[] }>();
    expect(list.data.map((k) => k.id)).not.toContain(key.id);
    expect((await api("/v1/account", { key: key.secret })).status).toBe(200);
  });
});

describe("a sending_access key", () => {
  it("creates messages, and gets a 403 permission_error for anything else, changing nothing", async () => {
    const account = await createAccount();
    const { secret } = await (await api("/v1/api_keys", { key: account.key, json: { name: "sender", permission: "sending_access" } })).json<{
      secret: string;
    }>();
    const created = await api("/v1/messages", { key: secret, json: { channel: "sms", to: "+14155550123", content: { text: "hi" } } });
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    const refused: [string, string, unknown?][] = [
      ["GET", `/v1/messages/${id}`],
      ["GET", "/v1/messages"],
      ["GET", `/v1/messages/${id}/events`],
      ["GET", "/v1/account"],
      ["POST", "/v1/account/webhook_secret/roll", {}],
      ["GET", "/v1/api_keys"],
      ["POST", "/v1/api_keys", { name: "escalate" }],
      ["POST", "/v1/templates", { id: "t1", sms: { text: "x" } }],
      ["DELETE", "/v1/senders/snd_00000000000000000000000000000000"],
    ];
    for (const [method, path, json] of refused) {
      await expectError(await api(path, { key: secret, method, json }), 403, { type: "permission_error", code: "insufficient_permission" });
    }
    const keys = await (await api("/v1/api_keys", { key: account.key })).json<{ data: unknown[] }>();
    expect(keys.data).toHaveLength(2);
    expect((await api("/v1/templates/t1", { key: account.key })).status).toBe(404);
  });
});
