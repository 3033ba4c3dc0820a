// Test helpers: accounts with real keys, and requests through the Worker's own fetch.
import { env, exports } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { expect } from "vitest";
import { generateApiKey, generateWebhookSecret, hashApiKey, type Mode, parseApiKey } from "../src/auth/api-key.ts";
import { database } from "../src/db/client.ts";
import { accounts, apiKeys, messages, senders, templates } from "../src/db/schema.ts";
import { newId, unixSeconds } from "../src/domain/ids.ts";
import { exampleSenders, exampleTemplate, sandboxSenders } from "../src/domain/sandbox.ts";

export const db = () => database(env.DB);

export interface TestAccount {
  id: string;
  key: string;
  keyPrefix: string;
  webhookSecret: string;
  mode: Mode;
}

/** An account with one key; a test-mode one starts with its sandbox senders, as `npm run keys` makes it. */
export async function createAccount(mode: Mode = "test"): Promise<TestAccount> {
  const id = newId("acct");
  const key = generateApiKey(mode);
  const webhookSecret = generateWebhookSecret();
  const keyPrefix = parseApiKey(key)!.prefix;
  await db().insert(accounts).values({ id, name: id, mode, webhookSecret, createdAt: unixSeconds() });
  await db().insert(apiKeys).values({ id: newId("key"), accountId: id, prefix: keyPrefix, hash: await hashApiKey(key), createdAt: unixSeconds() });
  if (mode === "test") await db().insert(senders).values(sandboxSenders(id));
  return { id, key, keyPrefix, webhookSecret, mode };
}

/** What `npm run dev` gives its account: template auth_otp and sender omni_verify (SMS, WhatsApp). */
export async function seedExample(account: TestAccount): Promise<void> {
  await db().insert(templates).values(exampleTemplate(account.id));
  await db().insert(senders).values(exampleSenders(account.id));
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

/** How many rows of the table the account has. */
export async function rowCount(table: typeof messages | typeof templates | typeof senders, accountId: string): Promise<number> {
  const [row] = await db().select({ n: count() }).from(table).where(eq(table.accountId, accountId));
  return row!.n;
}

export const messageCount = (accountId: string) => rowCount(messages, accountId);

/** Asserts the status and that the body is our error envelope with these fields; returns the error. */
export async function expectError(res: Response, status: number, error: Record<string, unknown>): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  const body = await res.json<{ error: Record<string, unknown> }>();
  expect(body.error).toMatchObject({ type: "invalid_request_error", ...error });
  return body.error;
}

export async function createTemplate(account: TestAccount, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api("/v1/templates", { key: account.key, json: body });
  expect(res.status).toBe(201);
  return res.json();
}

export interface SenderObject {
  id: string;
  channel: string;
  address: string;
  default: boolean;
}

export async function addSender(account: TestAccount, body: Record<string, unknown>): Promise<SenderObject> {
  const res = await api("/v1/senders", { key: account.key, json: body });
  expect(res.status).toBe(201);
  return res.json();
}

/** Every item of a list, following next_cursor from the first page. */
export async function listAll<T>(path: string, key: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) }).toString();
    const page: { data: T[]; next_cursor: string | null } = await (await api(`${path}?${query}`, { key })).json();
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export const smsBody = (overrides: Record<string, unknown> = {}) => ({
  channel: "SMS",
  to: "+14155550123",
  content: { text: "Your code is 849201" },
  ...overrides,
});
