// Messages made and listed through the API.
import { expect } from "vitest";
import type { TestAccount } from "./accounts.ts";
import { api } from "./api.ts";

export const smsBody = (overrides: Record<string, unknown> = {}) => ({
  channel: "SMS",
  to: "+14155550123",
  content: { text: "Your code is 849201" },
  ...overrides,
});

export async function createMessage(account: TestAccount, body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await api("/v1/messages", { key: account.key, json: body });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Creates `count` SMS messages one after another; returns their ids, oldest first. */
export async function createMessages(key: string, howMany: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < howMany; i++) {
    const res = await api("/v1/messages", { key, json: smsBody({ content: { text: `message ${i}` } }) });
    expect(res.status).toBe(201);
    ids.push((await res.json<{ id: string }>()).id);
  }
  return ids;
}

export interface ListPage {
  object: "list";
  data: { id: string; object: string; created_at: number }[];
  next_cursor: string | null;
  prev_cursor: string | null;
  has_more: boolean;
}

export async function listMessages(key: string, query: Record<string, string | number> = {}): Promise<ListPage> {
  const params = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]));
  const res = await api(`/v1/messages${params.size ? `?${params}` : ""}`, { key });
  expect(res.status).toBe(200);
  return res.json<ListPage>();
}

const MAX_PAGES = 50;

/** Follows next_cursor from the first page to the last; `between` runs after each page. */
export async function walkForward(key: string, limit: number, between: (page: number) => Promise<void> = async () => {}): Promise<ListPage[]> {
  const pages = [await listMessages(key, { limit })];
  while (pages.at(-1)!.next_cursor !== null) {
    expect(pages.length).toBeLessThan(MAX_PAGES);
    await between(pages.length);
    pages.push(await listMessages(key, { limit, cursor: pages.at(-1)!.next_cursor! }));
  }
  return pages;
}

/** Follows prev_cursor from `start` back to the first page; returns the pages visited after `start`. */
export async function walkBackward(
  key: string,
  limit: number,
  start: ListPage,
  between: (page: number) => Promise<void> = async () => {},
): Promise<ListPage[]> {
  const pages: ListPage[] = [];
  let page = start;
  while (page.prev_cursor !== null) {
    expect(pages.length).toBeLessThan(MAX_PAGES);
    await between(pages.length);
    page = await listMessages(key, { limit, cursor: page.prev_cursor });
    pages.push(page);
  }
  return pages;
}

/** The ids of the pages' messages, in order. */
export const pageIds = (pages: ListPage[]) => pages.flatMap((page) => page.data.map((message) => message.id));
