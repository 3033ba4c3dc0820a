// GET /v1/usage refuses what it cannot answer: unknown groups, malformed or
// backwards dates, periods too long.
import { describe, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("GET /v1/usage: bad queries", () => {
  it.each([
    ["?group_by=planet", "group_by"],
    ["?group_by=channel,channel", "group_by"],
    ["?group_by=day,month", "group_by"],
    ["?start=2026-02-30", "start"],
    ["?start=yesterday", "start"],
    ["?end=2026-1-01", "end"],
    ["?start=2026-12-02&end=2026-12-01", "end"],
    ["?start=2020-01-01&end=2026-01-01", "start"],
    ["?limit=10", "limit"],
  ])("answers %s with a 400 naming %s", async (query, param) => {
    const account = await createAccount();
    await expectError(await api(`/v1/usage${query}`, { key: account.key }), 400, { type: "invalid_request_error", param });
  });
});
