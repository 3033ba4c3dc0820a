// Test helpers: accounts with real keys, and requests through the Worker's own fetch.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import { generateApiKey, generateWebhookSecret, hashApiKey, parseApiKey } from "../src/auth/api-key.ts";
import type { Mode } from "../src/domain/account.ts";
import { database } from "../src/db/client.ts";
import { insertMessage } from "../src/db/messages.ts";
import { accounts, apiKeys, messages, type NewMessageRow, senders, templates } from "../src/db/schema.ts";
import worker from "../src/index.ts";
import type { DeliveryJob } from "../src/delivery/job.ts";
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

export interface AccountLimits {
  rateLimitRps?: number;
  dailyMessageLimit?: number;
}

/** An account with one key; a test-mode one starts with its sandbox senders, as `npm run keys` makes it. */
export async function createAccount(mode: Mode = "test", limits: AccountLimits = {}): Promise<TestAccount> {
  const id = newId("acct");
  const webhookSecret = generateWebhookSecret();
  await db().insert(accounts).values({ id, name: id, mode, webhookSecret, createdAt: unixSeconds(), ...limits });
  const { key, keyPrefix } = await addKey(id, mode);
  if (mode === "test") await db().insert(senders).values(sandboxSenders(id));
  return { id, key, keyPrefix, webhookSecret, mode };
}

/** Stores a new key of `mode` for the account (the mode need not match the account's, to test that it must). */
export async function addKey(accountId: string, mode: Mode): Promise<{ key: string; keyPrefix: string }> {
  const key = generateApiKey(mode);
  const keyPrefix = parseApiKey(key)!.prefix;
  await db().insert(apiKeys).values({ id: newId("key"), accountId, prefix: keyPrefix, hash: await hashApiKey(key), createdAt: unixSeconds() });
  return { key, keyPrefix };
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

export async function createMessage(account: TestAccount, body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await api("/v1/messages", { key: account.key, json: body });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Polls GET /v1/messages/:id until its status is one of `statuses` (the pipeline runs in the background). */
export async function waitForStatus(account: TestAccount, id: string, statuses: string[], timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await (await api(`/v1/messages/${id}`, { key: account.key })).json<Record<string, unknown>>();
    if (statuses.includes(message.status as string)) return message;
    if (Date.now() > deadline) throw new Error(`message ${id} still ${String(message.status)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stores a message as the API would, without queueing it: for tests that drive the consumer themselves. */
export async function storeMessage(account: TestAccount, overrides: Partial<NewMessageRow> = {}): Promise<string> {
  const id = newId("msg");
  const content = { text: "Your code is 849201" };
  await insertMessage(db(), {
    id,
    accountId: account.id,
    mode: account.mode,
    channel: "sms",
    to: "+14155550123",
    from: "+14155550100",
    content,
    rendered: { channel: "sms", text: content.text },
    status: "queued",
    createdAt: unixSeconds(),
    ...overrides,
  });
  return id;
}

/** Runs the queue consumer on one batch of these message ids, as delivery `attempts`. */
export async function runConsumer(messageIds: string[], attempts = 1, queue = "omniflow-messages") {
  const batch = createMessageBatch<DeliveryJob>(
    queue,
    messageIds.map((messageId) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { messageId } })),
  );
  // getQueueResult() does not report retry options, so record the delays here.
  const retryDelays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      retryDelays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await (worker as ExportedHandler<Env, DeliveryJob>).queue!(batch, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

export async function storedMessage(id: string) {
  return (await db().select().from(messages).where(eq(messages.id, id)))[0]!;
}

/** Waits until `check` returns a value other than undefined/false. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ErrorObject {
  type: string;
  code: string;
  message: string;
  param?: string;
}

/**
 * Asserts `res` is the error envelope with this status and these fields (type
 * invalid_request_error unless given); returns the error object.
 */
export async function expectError(res: Response, status: number, expected: Partial<ErrorObject>): Promise<ErrorObject> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = await res.json<{ error: ErrorObject }>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.message).toMatch(/\w/);
  expect(body.error).toMatchObject({ type: "invalid_request_error", ...expected });
  return body.error;
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
