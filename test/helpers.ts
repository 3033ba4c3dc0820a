// Test helpers: accounts with real keys, and requests through the Worker's own fetch.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import { generateApiKey, generateWebhookSecret, hashApiKey, type Mode, parseApiKey } from "../src/auth/api-key.ts";
import { database } from "../src/db/client.ts";
import { accounts, apiKeys, messages } from "../src/db/schema.ts";
import { newId, unixSeconds } from "../src/domain/ids.ts";

export const db = () => database(env.DB);

export interface TestAccount {
  id: string;
  key: string;
  keyPrefix: string;
  webhookSecret: string;
  mode: Mode;
}

export async function createAccount(mode: Mode = "test"): Promise<TestAccount> {
  const id = newId("acct");
  const webhookSecret = generateWebhookSecret();
  await db().insert(accounts).values({ id, name: id, mode, webhookSecret, createdAt: unixSeconds() });
  const { key, keyPrefix } = await addKey(id, mode);
  return { id, key, keyPrefix, webhookSecret, mode };
}

/** Stores a new key of `mode` for the account (the mode need not match the account's, to test that it must). */
export async function addKey(accountId: string, mode: Mode): Promise<{ key: string; keyPrefix: string }> {
  const key = generateApiKey(mode);
  const keyPrefix = parseApiKey(key)!.prefix;
  await db().insert(apiKeys).values({ id: newId("key"), accountId, prefix: keyPrefix, hash: await hashApiKey(key), createdAt: unixSeconds() });
  return { key, keyPrefix };
}

export interface RequestOptions {
  method?: string;
  key?: string | null;
  auth?: "basic" | "bearer";
  json?: unknown;
  form?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
}

export function basicAuth(key: string): string {
  return `Basic ${btoa(`${key}:`)}`;
}

/** A request to the Worker, authenticated with `key` unless it is null. */
export function api(path: string, options: RequestOptions & { key: string | null }): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.key !== null) headers.set("Authorization", options.auth === "bearer" ? `Bearer ${options.key}` : basicAuth(options.key));
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    body = options.form;
  }
  const method = options.method ?? (body === undefined ? "GET" : "POST");
  return exports.default.fetch(`http://api.omniflow.test${path}`, { method, headers, body });
}

export async function messageCount(accountId: string): Promise<number> {
  return (await db().select().from(messages).where(eq(messages.accountId, accountId))).length;
}

export const smsBody = (overrides: Record<string, unknown> = {}) => ({
  channel: "SMS",
  to: "+14155550123",
  content: { text: "Your code is 849201" },
  ...overrides,
});

export interface ErrorObject {
  type: string;
  code: string;
  message: string;
  param?: string;
}

/** Asserts `res` is the error envelope with this status and these fields; returns the error object. */
export async function expectError(res: Response, status: number, expected: Partial<ErrorObject>): Promise<ErrorObject> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = await res.json<{ error: ErrorObject }>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.message).toMatch(/\w/);
  expect(body.error).toMatchObject(expected);
  return body.error;
}

/** Creates `count` SMS messages one after another; returns their ids, oldest first. */
export async function createMessages(key: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
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

/**
 * Makes every D1 statement on the messages table throw, as a D1 outage would,
 * and silences (but records) console.error. Undo with vi.restoreAllMocks().
 */
export function failMessageQueries() {
  const log = vi.spyOn(console, "error").mockImplementation(() => {});
  const prepare = env.DB.prepare.bind(env.DB);
  const failing = vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => {
    if (sql.includes('"messages"')) throw new Error("D1_ERROR: internal error; reference = 0123456789abcdef");
    return prepare(sql);
  });
  return { failing, log };
}
