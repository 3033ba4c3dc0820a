import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fixture, list } from "./list-filters.fixture.ts";

describe("GET /v1/messages filters", () => {
  it.each([
    ["different filters", "status=failed"],
    ["an added filter", "status=delivered&channel=sms"],
  ])("answers 400 on a cursor mixed with %s", async (_, filters) => {
    const { account } = await fixture();
    const first = await list(account, "status=delivered&limit=1");
    const res = await api(`/v1/messages?${filters}&cursor=${first.next_cursor}`, { key: account.key });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: unknown }>()).error).toMatchObject({ code: "cursor_filters_mismatch", param: "cursor" });
  });

  it("answers 400 on a filter given to a cursor issued without filters", async () => {
    const { account } = await fixture();
    const first = await list(account, "limit=1");
    const res = await api(`/v1/messages?status=queued&cursor=${first.next_cursor}`, { key: account.key });
    expect(res.status).toBe(400);
  });

  it.each([
    ["status=sending", "status"],
    ["status=", "status"],
    ["channel=fax", "channel"],
    ["to=12345", "to"],
    ["to=not-an-address", "to"],
    ["to=", "to"],
    ["created[gte]=yesterday", "created[gte]"],
    ["created[gte]=-1", "created[gte]"],
    ["created[lte]=1.5", "created[lte]"],
    ["created[lte]=", "created[lte]"],
    ["created[gte]=1e9", "created[gte]"],
    ["created[gte]=123456789012345", "created[gte]"],
    ["created[gt]=1", "created[gt]"],
    ["status=queued&status=failed", "status"],
  ])("answers 400 naming the param for %s", async (query, param) => {
    const account = await createAccount();
    const res = await api(`/v1/messages?${query}`, { key: account.key });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: unknown }>()).error).toMatchObject({ type: "invalid_request_error", param });
  });
});
