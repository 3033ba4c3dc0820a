// Moving an account between shards carries its verifications: one created
// before the move is listed (by status and recipient too), retrieved and
// checked after it, its rows gone from the old shard, and the change the
// check makes reaches the list on the new one.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { verifications } from "../../src/db/message-schema.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { placementNow, recordMove, runMove } from "../support/shards.ts";
import { startVerification, testCode, type VerificationBody } from "../verifications/verifications.fixture.ts";

async function listed(account: TestAccount, query = ""): Promise<VerificationBody[]> {
  const res = await api(`/v1/verifications${query}`, { key: account.key });
  expect(res.status).toBe(200);
  return (await res.json<{ data: VerificationBody[] }>()).data;
}

const rowIds = async (accountId: string, shard: number) =>
  (await shardDatabase(env, shard).select({ id: verifications.id }).from(verifications).where(eq(verifications.accountId, accountId))).map(({ id }) => id);

describe("moving an account with verifications", () => {
  it("lists, retrieves and checks a verification made before the move, and none is left on the old shard", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    const checked = await startVerification(account, { to: "+14155550171" });
    const other = await startVerification(account, { to: "+14155550172" });
    expect(await rowIds(account.id, 0)).toHaveLength(2);

    expect((await runMove(await recordMove(account.id, 1))).phase).toBe("done");
    expect((await placementNow(account.id)).read).toEqual([1]);

    expect(await rowIds(account.id, 0)).toEqual([]);
    expect((await listed(account)).map(({ id }) => id)).toEqual([other.id, checked.id]);
    expect((await listed(account, `?to=${encodeURIComponent("+14155550171")}`)).map(({ id }) => id)).toEqual([checked.id]);
    expect(await (await api(`/v1/verifications/${checked.id}`, { key: account.key })).json()).toMatchObject({ id: checked.id, status: "pending" });

    // Twilio's shape finds the recipient's pending verification through the list's rows.
    const code = await testCode(account, checked.id);
    const approved = await api("/v1/verification_checks", { key: account.key, json: { to: "+14155550171", code } });
    expect(await approved.json()).toMatchObject({ id: checked.id, status: "approved", valid: true });
    // The object's next write goes where the account's rows now are.
    expect((await listed(account, "?status=approved")).map(({ id }) => id)).toEqual([checked.id]);
    expect((await listed(account, "?status=pending")).map(({ id }) => id)).toEqual([other.id]);
    expect(await rowIds(account.id, 0)).toEqual([]);
  });
});
