import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messagePageQuery } from "../../src/db/messages.ts";
import { idTimestampMs } from "../../src/domain/ids.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { fixture, list, T } from "./list-filters.fixture.ts";

/** Every id of the filtered list, following next_cursor with only the cursor. */
async function walk(account: TestAccount, filters: string, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let page = await list(account, `${filters}&limit=${limit}`);
  ids.push(...page.data.map((m) => m.id));
  while (page.next_cursor) {
    page = await list(account, `limit=${limit}&cursor=${page.next_cursor}`);
    ids.push(...page.data.map((m) => m.id));
  }
  return ids;
}

describe("GET /v1/messages filters", () => {
  it.each([
    ["status=delivered", [0, 3, 5, 6]],
    // queued rows have an index of their own, every other status shares one (src/db/status-filter.ts).
    ["status=queued", [4]],
    ["status=failed", [1, 2]],
    ["channel=sms", [0, 2, 4, 6]],
    ["channel=WHATSAPP", [1, 5]],
    ["to=%2B14155550123", [0, 2, 6]],
    ["to=+14155550123", [0, 2, 6]], // an unescaped "+" arrives as a space
    ["to=ana@example.com", [3]],
    [`created[gte]=${T + 30}`, [3, 4, 5, 6]],
    [`created[lte]=${T + 30}`, [0, 1, 2, 3]],
    [`created[gte]=${T + 10}&created[lte]=${T + 20}`, [1, 2]],
    [`created%5Bgte%5D=${T + 60}`, [6]],
    ["status=delivered&channel=sms", [0, 6]],
    [`status=failed&channel=sms&to=%2B14155550123&created[gte]=${T}&created[lte]=${T + 60}`, [2]],
    ["status=read", []],
  ])("%s, alone and paged two at a time", async (query, expected) => {
    const { account, newestFirst } = await fixture();
    const want = newestFirst(...expected);
    expect((await list(account, query)).data.map((m) => m.id)).toEqual(want);
    expect(await walk(account, query)).toEqual(want);
  });

  it("returns only matching messages on every page, and prev_cursor goes back within the filter", async () => {
    const { account, newestFirst } = await fixture();
    const first = await list(account, "status=delivered&limit=2");
    expect(first.data.map((m) => m.id)).toEqual(newestFirst(5, 6));
    expect(first.has_more).toBe(true);
    const second = await list(account, `limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((m) => m.id)).toEqual(newestFirst(0, 3));
    expect(second.data.every((m) => m.status === "delivered")).toBe(true);
    expect(second.next_cursor).toBeNull();
    const back = await list(account, `limit=2&cursor=${second.prev_cursor}`);
    expect(back.data.map((m) => m.id)).toEqual(newestFirst(5, 6));
  });

  it("accepts a cursor together with the same filters it was issued for", async () => {
    const { account, newestFirst } = await fixture();
    const first = await list(account, "channel=sms&status=delivered&limit=1");
    const next = await list(account, `status=delivered&channel=SMS&limit=1&cursor=${first.next_cursor}`);
    expect(next.data.map((m) => m.id)).toEqual(newestFirst(0));
  });

  it("stores created_at as the second of the id's own timestamp, which is what makes created ranges id ranges", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody() });
    const message = await res.json<{ id: string; created_at: number }>();
    expect(message.created_at).toBe(Math.floor(idTimestampMs(message.id) / 1000));
    const found = await list(account, `created[gte]=${message.created_at}&created[lte]=${message.created_at}`);
    expect(found.data.map((m) => m.id)).toEqual([message.id]);
  });
});

describe("list queries are index-backed", () => {
  async function plan(filters: Parameters<typeof messagePageQuery>[2], cursor = false): Promise<string> {
    const query = messagePageQuery(
      messageDb(`msg_${"0".repeat(32)}`),
      "acct_x",
      filters,
      20,
      cursor ? { id: `msg_${"0".repeat(32)}`, dir: "next" } : null,
    ).toSQL();
    const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    return results.map((row) => row.detail).join("; ");
  }

  it.each([
    [{}, "messages_account_id_idx"],
    [{ status: "failed" as const }, "messages_account_status_idx"],
    [{ channel: "sms" as const }, "messages_account_channel_idx"],
    [{ to: "+14155550123" }, "messages_account_to_idx"],
    [{ createdGte: T, createdLte: T + 60 }, "messages_account_id_idx"],
    // Combined, SQLite picks one of the indexes and checks the rest on its rows.
    [{ status: "failed" as const, channel: "sms" as const, createdGte: T }, "messages_account_"],
  ])("%o uses %s and no sort", async (filters, index) => {
    for (const cursor of [false, true]) {
      const detail = await plan(filters, cursor);
      expect(detail).toContain(`USING INDEX ${index}`);
      expect(detail).not.toContain("TEMP B-TREE");
    }
  });
});
