// Messages stored at chosen times, and the list request, shared by the
// list-filters tests.
import { expect } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { firstIdAt } from "../../src/domain/ids.ts";
import type { Message } from "../../src/domain/message.ts";
import type { Status } from "../../src/domain/status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";

interface Seed {
  at: number; // created_at, Unix seconds
  channel?: "sms" | "whatsapp" | "email";
  status?: string;
  to?: string;
}

/** Stores messages as the API would have created them at the given times (ids carry the time). */
async function seed(account: TestAccount, seeds: Seed[]): Promise<string[]> {
  const rows = seeds.map((s, i) => {
    const random = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");
    // Spread over the account's shards in turn, as creates spread them; the id's last four digits name its shard.
    const shard = account.placement.write[i % account.placement.write.length]!;
    const channel = s.channel ?? "sms";
    return {
      id: `${firstIdAt("msg", s.at * 1000 + i)}${random}${shard.toString(16).padStart(4, "0")}`,
      accountId: account.id,
      mode: account.mode,
      channel,
      to: s.to ?? (channel === "email" ? "ana@example.com" : "+14155550123"),
      from: "OmniFlow",
      content: channel === "email" ? { subject: "Hi", text: "Hello" } : { text: "Hello" },
      status: (s.status ?? "queued") as Status,
      createdAt: s.at,
      updatedAt: s.at,
    } satisfies Partial<Message>;
  });
  await Promise.all(rows.map((row) => messageDb(row.id).insert(messages).values(row)));
  return rows.map((row) => row.id);
}

export interface ListBody {
  data: { id: string; status: string; channel: string; to: string; created_at: number }[];
  next_cursor: string | null;
  prev_cursor: string | null;
  has_more: boolean;
}

export async function list(account: TestAccount, query: string): Promise<ListBody> {
  const res = await api(`/v1/messages?${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return res.json<ListBody>();
}

export const T = 1_750_000_000;

export async function fixture() {
  // Spread over both shards: every filter is answered from two databases merged.
  const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
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
