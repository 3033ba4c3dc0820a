// What the verification tests share: the object's shape, the test helper's code.
import { expect } from "vitest";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";

export interface VerificationBody {
  id: string;
  object: "verification";
  to: string;
  status: string;
  channel: string;
  channels: string[];
  attempts: { channel: string; message_id: string; status: string }[];
  check_attempts_remaining: number;
  expires_at: number;
  metadata: Record<string, string>;
  valid?: boolean;
}

/** The code, as the test helper answers it (test keys). */
export async function testCode(account: TestAccount, id: string): Promise<string> {
  const res = await api(`/v1/test_helpers/verifications/${id}/code`, { key: account.key });
  expect(res.status).toBe(200);
  return (await res.json<{ code: string }>()).code;
}

/** Starts a verification; answers its body (201 asserted). */
export async function startVerification(account: TestAccount, body: Record<string, unknown>): Promise<VerificationBody> {
  const res = await api("/v1/verifications", { key: account.key, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<VerificationBody>();
}
