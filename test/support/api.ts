// Requests through the Worker's own fetch, and the error envelope they answer with.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

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
