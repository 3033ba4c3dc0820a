// POST /v1/account/webhook_secret/roll: it takes no parameters, and a retry
// under its Idempotency-Key must never hand out a secret that no longer signs.
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { shardBinding } from "../../src/db/shards.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { expectNothingStored } from "../support/state.ts";

const ROLL = "/v1/account/webhook_secret/roll";

interface AccountObject {
  webhook_signing_secret: string;
}

/** Whether `secret` verifies a webhook signed now with the account's signing secrets, as a receiver would check. */
async function signsForAccount(key: string, secret: string): Promise<boolean> {
  const { webhook_signing_secret: current } = await (await api("/v1/account", { key })).json<AccountObject>();
  const payload = '{"type":"message.delivered"}';
  const headers = { "webhook-id": "evt_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
  const signature = new Webhook(current).sign(headers["webhook-id"], new Date(), payload);
  try {
    new Webhook(secret).verify(payload, { ...headers, "webhook-signature": signature });
    return true;
  } catch {
    return false;
  }
}

describe("POST /v1/account/webhook_secret/roll with an Idempotency-Key", () => {
  it("replays the account as it is now: after a later roll, the retry gets the newest secret, and rolls nothing", async () => {
    const account = await createAccount();
    const first = await api(ROLL, { key: account.key, method: "POST", headers: { "Idempotency-Key": "roll-1" } });
    expect(first.status).toBe(200);
    const rolledOnce = await first.json<AccountObject>();
    const second = await (await api(ROLL, { key: account.key, method: "POST", headers: { "Idempotency-Key": "roll-2" } })).json<AccountObject>();
    expect(second.webhook_signing_secret).not.toBe(rolledOnce.webhook_signing_secret);

    const retry = await expectNothingStored(account, () => api(ROLL, { key: account.key, method: "POST", headers: { "Idempotency-Key": "roll-1" } }));
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Cache-Control")).toBe("no-store");
    const replayed = await retry.json<AccountObject>();
    expect(replayed.webhook_signing_secret).toBe(second.webhook_signing_secret);
    expect(await signsForAccount(account.key, replayed.webhook_signing_secret)).toBe(true);
  });

  it("stores no copy of the secret with the key", async () => {
    const account = await createAccount();
    const res = await api(ROLL, { key: account.key, method: "POST", headers: { "Idempotency-Key": "roll-secret" } });
    const { webhook_signing_secret: secret } = await res.json<AccountObject>();
    const rows = await shardBinding(env, account.placement.home).prepare("SELECT * FROM idempotency_keys WHERE account_id = ?").bind(account.id).all();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(secret.slice("whsec_".length));
  });

  it("treats an empty body without a Content-Type as no parameters", async () => {
    const account = await createAccount();
    const res = await api(ROLL, { key: account.key, method: "POST", body: new Uint8Array(), headers: { "Idempotency-Key": "roll-empty" } });
    expect(res.status).toBe(200);
    expect((await res.json<AccountObject>()).webhook_signing_secret).not.toBe(account.webhookSecret);
  });
});

describe("POST /v1/account/webhook_secret/roll with parameters", () => {
  it.each([
    ["JSON", { json: { overlap_hours: 0 } }],
    ["a form", { form: "overlap_hours=0" }],
  ])("refuses an unknown parameter in %s, naming it, and rolls nothing", async (_, body) => {
    const account = await createAccount();
    for (const headers of [{}, { "Idempotency-Key": "roll-unknown" }] as Record<string, string>[]) {
      const res = await expectNothingStored(account, () => api(ROLL, { key: account.key, headers, ...body }));
      await expectError(res, 400, { code: "parameter_unknown", param: "overlap_hours" });
    }
  });

  it("accepts {} as no parameters", async () => {
    const account = await createAccount();
    const res = await api(ROLL, { key: account.key, json: {} });
    expect(res.status).toBe(200);
  });
});
