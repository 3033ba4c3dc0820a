// A verification's D1 row (what lists read) whose write fails: the
// verification works from its object, and the object's alarm writes the row.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifierStub } from "../../src/delivery/verifier.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageBindings } from "../support/db.ts";
import { startVerification, testCode } from "./verifications.fixture.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Every write of a verification row fails, as a D1 outage would (the warning it logs silenced). */
function failVerificationWrites(): void {
  vi.spyOn(console, "warn").mockImplementation(() => {});
  for (const binding of messageBindings()) {
    const prepare = binding.prepare.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
      if (sql.startsWith('insert into "verifications"')) throw new Error("D1_ERROR: internal error");
      return prepare(sql);
    });
  }
}

const listed = async (key: string) => (await (await api("/v1/verifications", { key })).json<{ data: { id: string; status: string }[] }>()).data;

describe("a verification row D1 did not take", () => {
  it("is written by the object's alarm once D1 answers again, with the status reached meanwhile", async () => {
    const account = await createAccount();
    failVerificationWrites();
    const { id } = await startVerification(account, { to: "+14155550123" });
    const code = await testCode(account, id);
    expect((await (await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } })).json<{ status: string }>()).status).toBe("approved");
    expect(await listed(account.key)).toEqual([]);

    vi.restoreAllMocks();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    expect(await runDurableObjectAlarm(verifierStub(env, id))).toBe(true);
    vi.useRealTimers();
    expect(await listed(account.key)).toEqual([expect.objectContaining({ id, status: "approved" })]);
  });
});
