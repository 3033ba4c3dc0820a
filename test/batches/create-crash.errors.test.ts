// A batch create with an Idempotency-Key whose request dies after storing the
// batch and its messages but before storing its answer with the key: once the
// key's 60 s lock has passed, a retry with the key takes the claim over. It must
// answer the batch the dead request stored, and create nothing new.
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import { unixSeconds } from "../../src/domain/ids.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { accountMessageRows, aroundExecution, homeDb, messageBindings } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

afterEach(() => vi.restoreAllMocks());

/** The next write of a key's answer fails, as if the Worker died right before it (the batch and its messages are stored). */
function dieBeforeTheAnswerIsStored(): void {
  let armed = true;
  for (const binding of messageBindings()) {
    const prepare = binding.prepare.bind(binding);
    vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
      if (!armed || !sql.startsWith('update "idempotency_keys"')) return prepare(sql);
      armed = false;
      return aroundExecution(prepare(sql), ["run", "all", "raw", "first"], async () => {
        throw new Error("D1_ERROR: the Worker died");
      });
    });
  }
}

/** The key's claim as the 60 s lock leaves it: old enough to be taken for abandoned. */
async function ageClaim(account: TestAccount, key: string): Promise<void> {
  await homeDb(account)
    .update(idempotencyKeys)
    .set({ lockedAt: unixSeconds() - 120 })
    .where(and(eq(idempotencyKeys.accountId, account.id), eq(idempotencyKeys.key, key)));
}

describe("POST /v1/messages/batch retried after a create that died before its answer was stored", () => {
  it("answers the batch the first request stored, item by item, and creates nothing new", async () => {
    const account = await createAccount();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const body = { validation: "permissive", messages: [smsBody({ to: recipient(1) }), smsBody({ to: "bad" }), smsBody({ to: recipient(2) })] };
    const headers = { "Idempotency-Key": "batch-died" };
    dieBeforeTheAnswerIsStored();
    expect((await sendBatch(account, body, headers)).status).toBe(500);
    const stored = await accountMessageRows(account.id);
    expect(stored).toHaveLength(2);
    await ageClaim(account, "batch-died");

    const retry = await sendBatch(account, body, headers);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    const answer = await retry.json<BatchAnswer>();
    // The two messages the first request stored, at their indexes, and the invalid item's error at its own.
    const storedTo = (to: string) => stored.find((row) => row.to === to)!;
    expect(answer.data.map((message) => message && { id: message.id, batch_id: message.batch_id })).toEqual([
      { id: storedTo(recipient(1)).id, batch_id: storedTo(recipient(1)).batchId },
      null,
      { id: storedTo(recipient(2)).id, batch_id: storedTo(recipient(2)).batchId },
    ]);
    expect(answer.errors.map(({ index, error }) => ({ index, param: error.param }))).toEqual([{ index: 1, param: "to" }]);
    expect(await accountMessageRows(account.id)).toHaveLength(2);

    // The key now holds that answer: a later retry replays it byte for byte.
    const again = await sendBatch(account, body, headers);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(answer);
    const batch = await (await api(`/v1/batches/${answer.id}`, { key: account.key })).json<{ total: number }>();
    expect(batch.total).toBe(2);
  });
});
