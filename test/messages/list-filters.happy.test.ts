import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messagePageQuery } from "../../src/db/messages.ts";
import { messages, type MessageRow } from "../../src/db/schema.ts";
import { firstIdAt, idTimestampMs } from "../../src/domain/ids.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

interface Seed {
  at: number; // created_at, Unix seconds
  channel?: "sms" | "whatsapp" | "email";
  status?: string;
  to?: string;
}

/** Stores messages as the API would have created them at the given times (ids carry the time). */
async function seed(account: TestAccount, seeds: Seed[]): Promise<string[]> {
  const rows = seeds.map((s, i) => {
    const random = [...crypto.getRandomValues(new Uint8Array(10))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const channel = s.channel ?? "sms";
    return {
      id: `${firstIdAt("msg", s.at * 1000 + i)}${random}`,
      accountId: account.id,
      mode: account.mode,
      channel,
      to: s.to ?? (channel === "email" ? "ana@example.com" : "+14155550123"),
      from: "OmniFlow",
      content: channel === "email" ? { subject: "Hi", text: "Hello" } : { text: "Hello" },
      status: s.status ?? "queued",
      createdAt: s.at,
      updatedAt: s.at,
    } satisfies Partial<MessageRow>;
  });
  await db().insert(messages).values(rows);
  return rows.map((row) => row.id);
}

interface ListBody {
  data: { id: string; status: string; channel: string; to: string; created_at: number }[];
  next_cursor: string | null;
  prev_cursor: string | null;
  has_more: boolean;
}

async function list(account: TestAccount, query: string): Promise<ListBody> {
  const res = await api(`/v1/messages?${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return res.json<ListBody>();
}

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

const T = 1_750_000_000;

async function fixture() {
  const account = await createAccount();
  const ids = await seed(account, [
    { at: T, channel: "sms", status: "delivered", to: "+14155550123" },
    { at: T + 10, channel: "whatsapp", status: "failed", to: "+919876543210" },
    { at: T + 20, channel: "sms", status: "failed", to: "+14155550123" },
    { at: T + 30, channel: "email", status: "delivered", to: "ana@example.com" },
    { at: T + 40, channel: "sms", status: "queued", to: "+447911123456" },
    { at: T + 50, channel: "whatsapp", status: "delivered", to: "+919876543210" },
    { at: T + 60, channel: "sms", status: "delivered", to: "+14155550123" },
  ]);
  // Another account's messages never show up.
  await seed(await createAccount(), [{ at: T + 30, status: "delivered" }]);
  const newestFirst = (...indexes: number[]) => indexes.sort((a, b) => b - a).map((i) => ids[i]!);
  return { account, newestFirst };
}

describe("GET /v1/messages filters", () => {
  it.each([
    ["status=delivered", [0, 3, 5, 6]],
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
    const query = messagePageQuery(db(), "acct_x", filters, 20, cursor ? { id: `msg_${"0".repeat(32)}`, dir: "next" } : null).toSQL();
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
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
