// Spend limits in a batch: each item's estimated price is charged in the
// account's gate as a single create's is, an item that would pass a limit is
// an item error spend_limit_reached, and items not created give their spend back.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { failMessageInserts, messageCount } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";
import { type BatchAnswer, recipient, sendBatch } from "./batches.fixture.ts";

useFakeProviders();
afterEach(() => vi.restoreAllMocks());

/** 2 segments at 0.0079 per US segment: 0.0158 each. */
const twoSegments = (i: number) => smsBody({ to: recipient(i), content: { text: "a".repeat(161) } });

async function limitedAccount(daily: string, placement?: { home: number; write: number[]; read: number[] }): Promise<TestAccount> {
  const account = await createAccount("test", placement ? { placement } : undefined);
  await setAccountRate(account, "sms", "US", "0.0079");
  const res = await api("/v1/account", { key: account.key, json: { spend_limits: { daily } } });
  expect(res.status).toBe(200);
  return account;
}

describe("POST /v1/messages/batch: spend limits", () => {
  it("permissive: under a daily limit of 0.05, three 0.0158 items are created and the fourth and fifth are spend_limit_reached", async () => {
    const account = await limitedAccount("0.05");
    const res = await sendBatch(account, { validation: "permissive", messages: [0, 1, 2, 3, 4].map(twoSegments) });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch.data.map((m) => m !== null)).toEqual([true, true, true, false, false]);
    expect(batch.errors.map(({ index, error }) => [index, error.code, error.type])).toEqual([
      [3, "spend_limit_reached", "invalid_request_error"],
      [4, "spend_limit_reached", "invalid_request_error"],
    ]);
    expect(await messageCount(account.id)).toBe(3);
    // 0.0474 spent: a single create of 0.0158 passes the limit too.
    await expectError(await api("/v1/messages", { key: account.key, json: twoSegments(9) }), 402, { code: "spend_limit_reached" });
  });

  it("strict: an item over the limit refuses the whole batch, and the items it charged give their spend back", async () => {
    const account = await limitedAccount("0.0316");
    const res = await sendBatch(account, { messages: [0, 1, 2].map(twoSegments) });
    const error = await expectError(res, 400, { code: "batch_invalid" });
    const { errors } = error as unknown as { errors: { index: number; error: { code: string } }[] };
    expect(errors.map(({ index, error: item }) => [index, item.code])).toEqual([[2, "spend_limit_reached"]]);
    expect(await messageCount(account.id)).toBe(0);
    // Had the refused batch kept the first two items' 0.0316, these would pass the limit.
    await createMessage(account, twoSegments(7));
    await createMessage(account, twoSegments(8));
    expect(await messageCount(account.id)).toBe(2);
  });

  it("items whose message database failed to store them give their spend back", async () => {
    const account = await limitedAccount("0.0316");
    failMessageInserts();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await sendBatch(account, { validation: "permissive", messages: [0, 1].map(twoSegments) });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch.errors.map(({ error }) => error.code)).toEqual(["storage_unavailable", "storage_unavailable"]);
    vi.restoreAllMocks();
    await createMessage(account, twoSegments(7));
    await createMessage(account, twoSegments(8));
    expect(await messageCount(account.id)).toBe(2);
  });
});
