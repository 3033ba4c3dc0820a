// Accounts with real keys, made as `npm run keys` and `npm run dev` make them.

import { env } from "cloudflare:workers";
import { generateApiKey, generateWebhookSecret, hashApiKey, parseApiKey } from "../../src/auth/api-key.ts";
import { accounts, apiKeys, senders, templates } from "../../src/db/control-schema.ts";
import type { Mode } from "../../src/domain/account.ts";
import type { Permission } from "../../src/domain/api-key.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn, type Placement } from "../../src/domain/placement.ts";
import { exampleSenders, exampleTemplate, sandboxSenders } from "../../src/domain/sandbox.ts";
import { db } from "./db.ts";

export interface TestAccount {
  id: string;
  key: string;
  keyPrefix: string;
  webhookSecret: string;
  mode: Mode;
  /** Where its messages live (test accounts are made on shard 0, shard 1, or spread over both). */
  placement: Placement;
}

export interface AccountLimits {
  rateLimitRps?: number;
  dailyMessageLimit?: number;
  /** Days its messages are kept (null: the default). */
  retentionDays?: number;
  /** Where its messages live; by default the next of PLACEMENTS. */
  placement?: Placement;
}

// The sharded path is the one every test runs: accounts are made in turn on
// shard 0, on shard 1, and spread over both (lists merged from two databases).
const PLACEMENTS: Placement[] = [homedOn(0), homedOn(1), { home: 1, write: [0, 1], read: [0, 1] }];
let made = 0;

/** An account with one key; a test-mode one starts with its sandbox senders, as `npm run keys` makes it. */
export async function createAccount(mode: Mode = "test", { placement, ...limits }: AccountLimits = {}): Promise<TestAccount> {
  const id = newId("acct");
  const webhookSecret = generateWebhookSecret();
  const chosen = placement ?? PLACEMENTS[made++ % PLACEMENTS.length]!;
  await db()
    .insert(accounts)
    .values({ id, name: id, mode, webhookSecret, createdAt: unixSeconds(), placement: chosen, ...limits });
  const { key, keyPrefix } = await addKey(id, mode);
  if (mode === "test") await db().insert(senders).values(sandboxSenders(id));
  return { id, key, keyPrefix, webhookSecret, mode, placement: chosen };
}

/** Stores a new key of `mode` for the account (the mode need not match the account's, to test that it must). */
export async function addKey(accountId: string, mode: Mode, permission: Permission = "full_access"): Promise<{ key: string; keyPrefix: string }> {
  const key = generateApiKey(mode, accountId);
  const keyPrefix = parseApiKey(key)!.prefix;
  await db()
    .insert(apiKeys)
    .values({ id: newId("key"), accountId, prefix: keyPrefix, hash: await hashApiKey(key), permission, createdAt: unixSeconds() });
  // As the key API does: the account's gate learns of the key at once.
  await env.ACCOUNT_GATE.getByName(accountId).changed({ keys: true });
  return { key, keyPrefix };
}

/** What `npm run dev` gives its account: template auth_otp and sender omni_verify (SMS, WhatsApp). */
export async function seedExample(account: TestAccount): Promise<void> {
  await db().insert(templates).values(exampleTemplate(account.id));
  await db().insert(senders).values(exampleSenders(account.id));
}
