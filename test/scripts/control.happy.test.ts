// The operator scripts' door to D1 (scripts/control.ts): the services run on a
// D1 binding that inlines each statement's parameters into its SQL, as
// `wrangler d1 execute` takes it, and reads rows back as wrangler answers them
// (objects, turned into arrays of values for drizzle). Run here on the test
// D1, what the services write and read through it must match what the
// Worker's own binding reads.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { statementControl } from "../../scripts/control.ts";
import { inline } from "../../scripts/d1.ts";
import type { Account } from "../../src/domain/account.ts";
import { listApiKeys, revokeApiKey } from "../../src/services/api-keys.ts";
import { workerControl } from "../../src/services/control.ts";
import { changeOperatorSettings, findAccountNamed } from "../../src/services/operator.ts";
import { bindLiveSender, findAccountSender, listAccountSenders, removeSender } from "../../src/services/sender-pool.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { freshEmail, freshNumber } from "../support/resources.ts";

const inlined = statementControl(async (statements) => {
  const results = await env.CONTROL_DB.batch(statements.map((statement) => env.CONTROL_DB.prepare(inline([statement]))));
  return results.map((result) => ({ results: result.results as Record<string, unknown>[], success: result.success, meta: { ...result.meta } }));
});
const worker = workerControl(env);

async function named(id: string): Promise<Account> {
  const found = await findAccountNamed(worker, id);
  if (!found.ok) throw new Error(found.problem.message);
  return found.value;
}

describe("the scripts' D1 binding", () => {
  it("reads an account, its JSON columns included, as the Worker's binding does", async () => {
    const { id, placement } = await createAccount("live");
    const read = await findAccountNamed(inlined, id);
    expect(read).toEqual({ ok: true, value: await named(id) });
    expect(read.ok && read.value.placement).toEqual(placement);
    expect(await findAccountNamed(inlined, "no-such-account")).toMatchObject({ ok: false, problem: { code: "resource_missing" } });
  });

  it("binds, lists and removes senders, text with quotes included, as the Worker's binding reads them", async () => {
    const account = await named((await createAccount("live")).id);
    const sms = await bindLiveSender(inlined, account, { channel: "sms", address: freshNumber(), phoneNumberId: null, name: null, isDefault: true });
    const email = await bindLiveSender(inlined, account, {
      channel: "email",
      address: freshEmail(),
      phoneNumberId: null,
      name: "O'Brien; Ops",
      isDefault: false,
    });
    if (!sms.ok || !email.ok) throw new Error("not bound");
    expect(email.value).toMatchObject({ name: "O'Brien; Ops", isDefault: false, status: "operator_bound" });
    expect(await findAccountSender(worker, account, email.value.id)).toEqual({ ok: true, value: email.value });
    expect(await listAccountSenders(inlined, account, 10, null)).toEqual(await listAccountSenders(worker, account, 10, null));

    expect((await removeSender(inlined, account, sms.value.id)).ok).toBe(true);
    expect((await findAccountSender(worker, account, sms.value.id)).ok).toBe(false);
    expect((await removeSender(inlined, account, sms.value.id)).ok).toBe(false);
  });

  it("sets the operator's settings and revokes a key", async () => {
    const account = await named((await createAccount("live")).id);
    const changed = await changeOperatorSettings(inlined, account, { rateLimitRps: 7, dailyMessageLimit: 50, allowedNumberTypes: ["premium_rate"] });
    expect(changed).toMatchObject({ rateLimitRps: 7, dailyMessageLimit: 50, allowedNumberTypes: ["premium_rate"] });
    expect(changed).toEqual(await named(account.id));

    const [key] = (await listApiKeys(worker, account, 10, null)).items;
    const revoked = await revokeApiKey(inlined, account, key!.id);
    expect(revoked.ok && revoked.value.revokedAt).toBeGreaterThan(0);
    expect((await listApiKeys(worker, account, 10, null)).items[0]).toEqual(revoked.ok && revoked.value);
  });
});

describe("a change the scripts make", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reaches the account's gate with the gate's own reload, within 10 s, since a script cannot tell it", async () => {
    const { id, key } = await createAccount();
    const account = await named(id);
    const status = async () => (await api("/v1/account", { key })).status;
    // The gate holds the account's keys from here on.
    expect(await status()).toBe(200);
    const [stored] = (await listApiKeys(worker, account, 10, null)).items;
    expect((await revokeApiKey(inlined, account, stored!.id)).ok).toBe(true);
    // Not told: the gate answers from its copy, at most 10 s old.
    expect(await status()).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_001 });
    // The first request past 10 s reloads the copy off its own path; the requests after the reload are refused.
    let answered = await status();
    for (let i = 0; i < 200 && answered !== 401; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      answered = await status();
    }
    expect(answered).toBe(401);
  });
});
