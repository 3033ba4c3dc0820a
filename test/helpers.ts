// Test helpers: accounts with real keys, and requests through the Worker's own fetch.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
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

export async function messageCount(accountId: string): Promise<number> {
  return (await db().select().from(messages).where(eq(messages.accountId, accountId))).length;
}

export const smsBody = (overrides: Record<string, unknown> = {}) => ({
  channel: "SMS",
  to: "+14155550123",
  content: { text: "Your code is 849201" },
  ...overrides,
});
