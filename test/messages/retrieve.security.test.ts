// A key never sees another account's messages: they answer 404, exactly as an
// id that does not exist, so a caller cannot even learn that they exist.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";

describe("GET /v1/messages/:id across accounts", () => {
  it.each([
    ["another test account", "test"],
    ["a live account", "live"],
  ] as const)("answers 404 resource_missing, not 403, for a message of %s", async (_case, mode) => {
    const owner = await createAccount();
    const created = await api("/v1/messages", { key: owner.key, json: smsBody() });
    const { id } = await created.json<{ id: string }>();
    const stranger = await createAccount(mode);

    const res = await api(`/v1/messages/${id}`, { key: stranger.key });
    const error = await expectError(res, 404, { type: "invalid_request_error", code: "resource_missing", param: "id" });
    expect(error.message).toBe(`No such message: '${id}'`);
    // The owner still sees it: the 404 is about who asks, not about the message.
    expect((await api(`/v1/messages/${id}`, { key: owner.key })).status).toBe(200);
  });

  it("answers another account's message exactly like a message that never existed", async () => {
    const owner = await createAccount();
    const { id } = await (await api("/v1/messages", { key: owner.key, json: smsBody() })).json<{ id: string }>();
    const missing = `msg_${"0".repeat(32)}`;
    const stranger = await createAccount();

    const foreign = await (await api(`/v1/messages/${id}`, { key: stranger.key })).json<{ error: { message: string } }>();
    const unknown = await (await api(`/v1/messages/${missing}`, { key: stranger.key })).json<{ error: { message: string } }>();
    expect(JSON.stringify(foreign).replace(id, "ID")).toBe(JSON.stringify(unknown).replace(missing, "ID"));
  });
});
