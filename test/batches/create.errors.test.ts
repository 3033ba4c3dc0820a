// A batch refused, limited or partly failing: strict refuses whole, limits and
// suppressions apply per item, and a failure of a message database or of the
// Queue leaves every item created (and delivered) or reported as an error.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";
import { type BatchAnswer, recipient, sendBatch, sendBatch as sendBatchRequest } from "./batches.fixture.ts";

useFakeProviders();
afterEach(() => vi.restoreAllMocks());

describe("POST /v1/messages/batch refused", () => {
  it("strict (the default): one invalid item refuses the batch, listing every item's error by index, and stores nothing", async () => {
    const account = await createAccount();
    const messages = [smsBody(), smsBody({ to: "not a number" }), smsBody(), smsBody({ channel: "FAX" })];
    const res = await expectNothingStored(account, () => sendBatch(account, { messages }));
    const error = await expectError(res, 400, { code: "batch_invalid", param: "messages" });
    const { errors } = error as unknown as { errors: { index: number; error: { code: string; param: string } }[] };
    expect(errors.map(({ index, error: item }) => [index, item.code, item.param])).toEqual([
      [1, "parameter_invalid", "to"],
      [3, "parameter_invalid", "channel"],
    ]);
  });

  it("permissive with no valid item refuses the batch as strict does", async () => {
    const account = await createAccount();
    const res = await expectNothingStored(account, () => sendBatch(account, { validation: "permissive", messages: [smsBody({ to: "x" })] }));
    await expectError(res, 400, { code: "batch_invalid" });
  });

  it.each([
    ["no messages", { messages: [] }, "messages"],
    ["1,001 messages", { messages: Array.from({ length: 1001 }, () => smsBody()) }, "messages"],
    ["an item that is not an object", { messages: ["hello"] }, "messages[0]"],
    ["an unknown validation", { validation: "lenient", messages: [smsBody()] }, "validation"],
    ["an unknown field", { messages: [smsBody()], colour: "red" }, "colour"],
    ["bad batch metadata", { messages: [smsBody()], metadata: { "a b": "x" } }, "metadata[a b]"],
  ])("refuses %s, naming the param, and stores nothing", async (_, body, param) => {
    const account = await createAccount();
    const res = await expectNothingStored(account, () => sendBatch(account, body));
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { param: string } }>()).error.param).toBe(param);
  });

  it("takes a body over the single create's 128 KiB (1,000 messages)", async () => {
    const account = await createAccount();
    // Not delivered: 1,000 jobs would hold up every other test file's deliveries behind them.
    vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockResolvedValue({} as never);
    const messages = Array.from({ length: 1000 }, (_, i) => smsBody({ to: recipient(i % 100), content: { text: `Shift reminder ${i}: ${"x".repeat(100)}` } }));
    const res = await sendBatch(account, { messages });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    expect(batch.data.filter((m) => m !== null)).toHaveLength(1000);
    expect(await messageCount(account.id)).toBe(1000);
  });
});

describe("POST /v1/messages/batch: limits per item", () => {
  it("applies the daily cap per item: past it each item is a daily_limit_exceeded error; the cap counts only what was created", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 3 });
    await bindSender(account, "sms");
    const messages = Array.from({ length: 5 }, (_, i) => smsBody({ to: recipient(i) }));
    messages[1] = smsBody({ to: "bad" });
    const batch = await (await sendBatch(account, { validation: "permissive", messages })).json<BatchAnswer>();
    expect(batch.data.map((m) => m !== null)).toEqual([true, false, true, true, false]);
    expect(batch.errors.map(({ index, error }) => [index, error.type, error.code])).toEqual([
      [1, "invalid_request_error", "parameter_invalid"],
      [4, "rate_limit_error", "daily_limit_exceeded"],
    ]);
    expect((await api("/v1/messages", { key: account.key, json: smsBody() })).status).toBe(429);
  });

  it("gives the daily slots back when a strict batch is refused", async () => {
    const account = await createAccount("live", { dailyMessageLimit: 2 });
    await bindSender(account, "sms");
    await expectError(await sendBatch(account, { messages: [smsBody(), smsBody(), smsBody({ to: "bad" })] }), 400, { code: "batch_invalid" });
    const batch = await (await sendBatch(account, { messages: [smsBody(), smsBody({ to: recipient(1) })] })).json<BatchAnswer>();
    expect(batch.errors).toEqual([]);
  });

  it("refuses a suppressed recipient as an item error naming to", async () => {
    const account = await createAccount();
    await api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: recipient(1), reason: "manual" } });
    const batch = await (
      await sendBatch(account, { validation: "permissive", messages: [smsBody({ to: recipient(0) }), smsBody({ to: recipient(1) })] })
    ).json<BatchAnswer>();
    expect(batch.errors.map(({ index, error }) => [index, error.code, error.param])).toEqual([[1, "recipient_suppressed", "to"]]);
  });

  it("refuses an item whose metadata, with the batch's, has over 50 keys", async () => {
    const account = await createAccount();
    const own = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`own${i}`, "v"]));
    const shared = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`batch${i}`, "v"]));
    const batch = await (
      await sendBatch(account, { validation: "permissive", metadata: shared, messages: [smsBody(), smsBody({ metadata: own })] })
    ).json<BatchAnswer>();
    expect(batch.errors.map(({ index, error }) => [index, error.param])).toEqual([[1, "metadata"]]);
  });
});

describe("POST /v1/messages/batch: partial failures", () => {
  it("a message database whose insert fails: its items are item errors (none stored), the others are created", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    const prepare = env.MESSAGES_DB_1.prepare.bind(env.MESSAGES_DB_1);
    vi.spyOn(env.MESSAGES_DB_1, "prepare").mockImplementation((sql: string) => {
      if (sql.startsWith('insert into "messages"')) throw new Error("D1_ERROR: database is locked");
      return prepare(sql);
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const messages = Array.from({ length: 40 }, (_, i) => smsBody({ to: recipient(i) }));
    const res = await sendBatch(account, { validation: "permissive", messages });
    expect(res.status).toBe(201);
    const batch = await res.json<BatchAnswer>();
    const created = batch.data.filter((m) => m !== null);
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((m) => m.id.endsWith("0000"))).toBe(true);
    expect(batch.errors.length).toBe(40 - created.length);
    expect(batch.errors.every(({ error }) => error.code === "storage_unavailable" && error.type === "api_error")).toBe(true);
    expect(await messageCount(account.id)).toBe(created.length);
  });

  it("a chunk of jobs whose sendBatch fails twice leaves its messages queued for the reconciler; the rest are sent", async () => {
    const account = await createAccount();
    const sendBatch = env.MESSAGES_QUEUE.sendBatch.bind(env.MESSAGES_QUEUE);
    // The full chunk is lost, each time; the other goes through.
    const sendBatchSpy = vi.spyOn(env.MESSAGES_QUEUE, "sendBatch").mockImplementation(async (jobs, options) => {
      if ([...jobs].length === 100) throw new Error("queue unavailable");
      return sendBatch(jobs, options);
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const messages = Array.from({ length: 150 }, (_, i) => smsBody({ to: recipient(i % 100) }));
    const batch = await (await sendBatchRequest(account, { messages })).json<BatchAnswer>();
    expect(batch.errors).toEqual([]);
    // Two chunks (100 and 50): the first tried twice and lost, the second sent.
    const sizes = sendBatchSpy.mock.calls.map(([jobs]) => [...jobs].length);
    expect(sizes.sort((a, b) => a - b)).toEqual([50, 100, 100]);
    expect(await messageCount(account.id)).toBe(150);
  });
});
