// Templates and senders made through the API (and live senders bound as the
// operator binds them), for tests about what uses them.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Statement } from "../../scripts/lib/statement.ts";
import { bindingChecks, bindingInput, bindingRefusal, bindingStatements } from "../../scripts/operator/sender-binding.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";
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
  status: string;
  phone_number_id: string | null;
  verification: { method: string; record_name: string | null; record_value: string | null; attempts_remaining: number | null } | null;
}

/** Adds a sender through the API: usable at once in test mode, pending verification in live mode. */
export async function addSender(account: TestAccount, body: Record<string, unknown>): Promise<SenderObject> {
  const res = await api("/v1/senders", { key: account.key, json: body });
  expect(res.status).toBe(201);
  return res.json();
}

const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b % 10).join("");

/** A valid US number that no other test is likely to hold (live addresses belong to one account only). */
export const freshNumber = () => `+1415${2 + (crypto.getRandomValues(new Uint8Array(1))[0]! % 8)}${digits(6)}`;
export const freshPhoneNumberId = () => `1${digits(14)}`;
export const freshEmail = () => `noreply@${crypto.randomUUID().slice(0, 8)}.acme.example`;

async function run(statements: Statement[]): Promise<Record<string, unknown>[][]> {
  const results = await env.CONTROL_DB.batch(statements.map(({ sql, params }) => env.CONTROL_DB.prepare(sql).bind(...params)));
  return results.map((result) => result.results as Record<string, unknown>[]);
}

export interface LiveSenderOptions {
  address?: string;
  phone_number_id?: string;
  name?: string;
  default?: boolean;
}

/**
 * Binds a live sender to the account with the operator's own statements
 * (`npm run keys -- senders add`, scripts/operator/sender-binding.ts): usable at once.
 * Without an address (or WhatsApp phone_number_id) a fresh one is made up.
 */
export async function bindSender(account: TestAccount, channel: "sms" | "whatsapp" | "email", options: LiveSenderOptions = {}): Promise<SenderObject> {
  const request = {
    account: account.id,
    channel,
    address: options.address ?? (channel === "email" ? freshEmail() : freshNumber()),
    phoneNumberId: options.phone_number_id ?? (channel === "whatsapp" ? freshPhoneNumberId() : undefined),
    name: options.name,
    isDefault: options.default ?? true,
  };
  const input = bindingInput(request);
  const [accountRows, holderRows] = await run(bindingChecks(request, input));
  const refusal = bindingRefusal(request, accountRows!, holderRows!);
  if (refusal) throw new Error(refusal);
  const rows = (await run(bindingStatements(request, input, newId("snd"), unixSeconds()))).at(-1)!;
  const res = await api(`/v1/senders/${rows[0]!.id}`, { key: account.key });
  expect(res.status).toBe(200);
  return res.json();
}
