// Templates and senders made through the API, for tests about what uses them.
import { expect } from "vitest";
import type { TestAccount } from "./accounts.ts";
import { api } from "./api.ts";

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
