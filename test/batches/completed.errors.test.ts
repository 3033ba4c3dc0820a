// batch.completed when its check fails: a message database that cannot
// count the batch's statuses marks the projection failed (so the queue
// retries it), and the retry's check emits the event, once.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { projectEverywhere } from "../../src/delivery/projection-consumer.ts";
import { createAccount } from "../support/accounts.ts";
import { db, messageBindings } from "../support/db.ts";
import { fakeReceiver, useFakeProviders } from "../support/fake-http.ts";
import { smsBody } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";
import { createEndpoint } from "../webhook-endpoints/webhook-endpoints.fixture.ts";
import { type BatchAnswer, recordedCompletions, sendBatch } from "./batches.fixture.ts";

useFakeProviders();
const receivers: ReturnType<typeof fakeReceiver>[] = [];
afterEach(() => {
  for (const made of receivers.splice(0)) made.restore();
  vi.restoreAllMocks();
});

describe("batch.completed: a failed check", () => {
  it("marks the final projection failed while the batch's counts cannot be read, and its retry emits the event once", async () => {
    const account = await createAccount("test");
    const hooks = fakeReceiver();
    receivers.push(hooks);
    await createEndpoint(account, { url: hooks.url, enabled_events: ["batch.completed"] });
    // Every count of a batch's statuses fails until restored (the real queue's consumer's too).
    for (const binding of messageBindings()) {
      const prepare = binding.prepare.bind(binding);
      vi.spyOn(binding, "prepare").mockImplementation((sql: string) => {
        if (sql.startsWith('select "status", count(*)')) throw new Error("D1_ERROR: database is locked");
        return prepare(sql);
      });
    }
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await sendBatch(account, { messages: [smsBody()] });
    const [message] = (await res.json<BatchAnswer>()).data as { id: string }[];
    await waitForStatus(account, message!.id, ["delivered"]);
    const view = (await messageStatusStub(env, message!.id).view())!;
    expect([...(await projectEverywhere(env, db(), [view]))]).toEqual([message!.id]);
    expect(await recordedCompletions(account.id)).toBe(0);

    vi.restoreAllMocks();
    expect([...(await projectEverywhere(env, db(), [view]))]).toEqual([]);
    expect(await recordedCompletions(account.id)).toBe(1);
  });
});
