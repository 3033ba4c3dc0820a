// GET /v1/messages/:id for ids that do not name a message of this account.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("GET /v1/messages/:id errors", () => {
  it.each([
    ["a well-formed id that was never issued", "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f"],
    ["an id of shard 0 that was never issued", "msg_019ec8f3a1b27c3d8e9f0a1b2c3d0000"],
    ["an id of shard 1 that was never issued", "msg_019ec8f3a1b27c3d8e9f0a1b2c3d0001"],
    ["an id naming a shard that does not exist", "msg_019ec8f3a1b27c3d8e9f0a1b2c3dffff"],
    ["an id of another shape", "msg_019ec8f3a1b2"],
    ["an id with quotes", "msg_'%20OR%20'1'='1"],
  ])("answers 404 resource_missing for %s", async (_case, id) => {
    const account = await createAccount();
    const error = await expectError(await api(`/v1/messages/${id}`, { key: account.key }), 404, {
      type: "invalid_request_error",
      code: "resource_missing",
      param: "id",
    });
    expect(error.message).toContain(decodeURIComponent(id));
  });

  it("answers 400 naming id for an id longer than any id we issue", async () => {
    const account = await createAccount();
    await expectError(await api(`/v1/messages/msg_${"0".repeat(64)}`, { key: account.key }), 400, {
      type: "invalid_request_error",
      param: "id",
    });
  });
});
