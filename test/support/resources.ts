// Templates and senders made through the API (and live senders bound as the
// operator binds them), for tests about what uses them.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { bindingInput } from "../../scripts/sender-binding.ts";
import { workerControl } from "../../src/services/control.ts";
import { findAccountNamed } from "../../src/services/operator.ts";
import { bindLiveSender } from "../../src/services/sender-pool.ts";
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

export interface LiveSenderOptions {
  address?: string;
  phone_number_id?: string;
  name?: string;
  default?: boolean;
}

/**
 * Binds a live sender to the account as the operator does (`npm run keys --
 * senders add`: its options, then the same service): usable at once.
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
  const control = workerControl(env);
  const owner = await findAccountNamed(control, request.account);
  if (!owner.ok) throw new Error(owner.problem.message);
  const bound = await bindLiveSender(control, owner.value, input);
  if (!bound.ok) throw new Error(bound.problem.message);
  const res = await api(`/v1/senders/${bound.value.id}`, { key: account.key });
  expect(res.status).toBe(200);
  return res.json();
}
