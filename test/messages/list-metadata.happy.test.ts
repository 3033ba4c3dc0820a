// GET /v1/messages?metadata[key]=value: exact match on every key given, with
// the other filters and cursors, over every shard the account reads, from the
// message_metadata index (never a scan of the account's messages).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messagePageQuery } from "../../src/db/messages.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";

interface Page {
  data: { id: string; metadata: Record<string, string> }[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

async function list(account: TestAccount, query: string): Promise<Page> {
  const res = await api(`/v1/messages?${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return res.json<Page>();
}

/** Every id of the list, following next_cursor with only the cursor. */
async function walk(account: TestAccount, query: string, limit = 2): Promise<string[]> {
  let page = await list(account, `${query}&limit=${limit}`);
  const ids = page.data.map((m) => m.id);
  while (page.next_cursor) {
    page = await list(account, `limit=${limit}&cursor=${page.next_cursor}`);
    ids.push(...page.data.map((m) => m.id));
  }
  return ids;
}

// Six messages over both shards (the account writes to both), newest last.
const TAGS = [
  { order_id: "A1", tier: "pro" },
  { order_id: "A2", tier: "pro" },
  { order_id: "A3", tier: "free" },
  {},
  { order_id: "A5", tier: "pro", region: "eu" },
  { tier: "pro" },
];

async function fixture() {
  const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
  const ids: string[] = [];
  for (const [i, metadata] of TAGS.entries()) {
    const channel = i === 1 ? "EMAIL" : "SMS";
    const to = channel === "EMAIL" ? "ana@example.com" : "+14155550123";
    const content = channel === "EMAIL" ? { subject: "Hi", text: "Hi" } : { text: "Hi" };
    ids.push((await createMessage(account, smsBody({ channel, to, content, metadata }))).id);
  }
  const newestFirst = (...indexes: number[]) => indexes.sort((a, b) => b - a).map((i) => ids[i]!);
  return { account, ids, newestFirst };
}

describe("GET /v1/messages?metadata[...]", () => {
  it.each([
    ["metadata[order_id]=A1", [0]],
    ["metadata[tier]=pro", [0, 1, 4, 5]],
    ["metadata[tier]=pro&metadata[order_id]=A2", [1]],
    ["metadata[tier]=free&metadata[order_id]=A2", []],
    ["metadata[tier]=pro&metadata[region]=eu&metadata[order_id]=A5", [4]],
    ["metadata[tier]=pro&channel=sms", [0, 4, 5]],
    ["metadata%5Btier%5D=pro&channel=EMAIL", [1]],
    ["metadata[tier]=PRO", []],
    ["metadata[order_id]=A", []],
  ])("%s finds exactly its messages, alone and paged two at a time", async (query, expected) => {
    const { account, newestFirst } = await fixture();
    const want = newestFirst(...expected);
    expect((await list(account, query)).data.map((m) => m.id)).toEqual(want);
    expect(await walk(account, query)).toEqual(want);
  });

  it("pages back with prev_cursor within the filter", async () => {
    const { account, newestFirst } = await fixture();
    const first = await list(account, "metadata[tier]=pro&limit=2");
    expect(first.data.map((m) => m.id)).toEqual(newestFirst(4, 5));
    const second = await list(account, `limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((m) => m.id)).toEqual(newestFirst(0, 1));
    expect(second.next_cursor).toBeNull();
    const back = await list(account, `limit=2&cursor=${second.prev_cursor}`);
    expect(back.data.map((m) => m.id)).toEqual(newestFirst(4, 5));
  });

  it("never lists another account's message with the same metadata", async () => {
    const { account, ids } = await fixture();
    const other = await createAccount();
    await createMessage(other, smsBody({ metadata: { order_id: "A1" } }));
    expect((await list(account, "metadata[order_id]=A1")).data.map((m) => m.id)).toEqual([ids[0]]);
    expect((await list(other, "metadata[order_id]=A1")).data.map((m) => m.metadata)).toEqual([{ order_id: "A1" }]);
  });

  it.each([
    ["a bad key", "metadata[order%20id]=A1", "metadata[order id]"],
    ["an empty value", "metadata[order_id]=", "metadata[order_id]"],
    ["a value over 500 characters", `metadata[order_id]=${"x".repeat(501)}`, "metadata[order_id]"],
    ["six keys", "metadata[a]=1&metadata[b]=1&metadata[c]=1&metadata[d]=1&metadata[e]=1&metadata[f]=1", "metadata"],
  ])("refuses %s, naming the param", async (_, query, param) => {
    const account = await createAccount();
    await expectError(await api(`/v1/messages?${query}`, { key: account.key }), 400, { code: "parameter_invalid", param });
  });

  it("still refuses an unknown parameter", async () => {
    const account = await createAccount();
    await expectError(await api("/v1/messages?colour=red", { key: account.key }), 400, { code: "parameter_unknown", param: "colour" });
  });

  it("a cursor remembers the metadata filter, and refuses other filters", async () => {
    const { account } = await fixture();
    const first = await list(account, "metadata[tier]=pro&limit=1");
    const res = await api(`/v1/messages?metadata[tier]=free&cursor=${first.next_cursor}`, { key: account.key });
    await expectError(res, 400, { code: "cursor_filters_mismatch" });
  });
});

describe("the metadata filter's query", () => {
  async function plan(metadata: Record<string, string>, cursor: boolean): Promise<string> {
    const query = messagePageQuery(
      messageDb(`msg_${"0".repeat(32)}`),
      "acct_x",
      { metadata, status: "delivered" },
      20,
      cursor ? { id: `msg_${"0".repeat(32)}`, dir: "next" } : null,
    ).toSQL();
    const { results } = await env.MESSAGES_DB_0.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    return results.map((row) => row.detail).join("; ");
  }

  it.each([[{ order_id: "A1" }], [{ order_id: "A1", tier: "pro" }]])(
    "%o reads the index in list order, each message by its key, and sorts nothing",
    async (metadata) => {
      for (const cursor of [false, true]) {
        const detail = await plan(metadata, cursor);
        expect(detail).toMatch(/SEARCH driver USING PRIMARY KEY \(account_id=\? AND key=\? AND value=\?/);
        // Each message by its id (the primary key: the table is WITHOUT ROWID; or an index that ends in id).
        expect(detail).toMatch(/SEARCH messages USING (PRIMARY KEY|INDEX \w+) \((account_id=\? AND status=\? AND )?id=\?\)/);
        expect(detail).not.toContain("SCAN");
        expect(detail).not.toContain("TEMP B-TREE");
      }
    },
  );
});
