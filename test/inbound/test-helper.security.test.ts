// The test helper exists for test keys only, and replies belong to the
// account they reached: another account's inbound message is a 404.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { expectNothingStored } from "../support/state.ts";
import { simulateReply } from "./inbound.fixture.ts";

describe("POST /v1/test_helpers/inbound_messages", () => {
  it("is a 404 with a live key, and stores nothing", async () => {
    const live = await createAccount("live");
    const res = await expectNothingStored(live, () => simulateReply(live, { text: "STOP" }));
    await expectError(res, 404, { code: "route_not_found" });
  });

  it("refuses a to that is not one of the account's senders", async () => {
    const account = await createAccount();
    const res = await expectNothingStored(account, () => simulateReply(account, { to: "+14155550100" }));
    await expectError(res, 400, { code: "resource_missing", param: "to" });
  });
});

describe("another account's inbound message", () => {
  it("is a 404, and is not listed", async () => {
    const [owner, other] = [await createAccount(), await createAccount()];
    const { id } = await (await simulateReply(owner, { text: "hello" })).json<{ id: string }>();
    await expectError(await api(`/v1/messages/${id}`, { key: other.key }), 404, { code: "resource_missing" });
    await expectError(await api(`/v1/messages/${id}/events`, { key: other.key }), 404, { code: "resource_missing" });
    expect((await (await api("/v1/messages?direction=inbound", { key: other.key })).json<{ data: unknown[] }>()).data).toEqual([]);
  });
});
