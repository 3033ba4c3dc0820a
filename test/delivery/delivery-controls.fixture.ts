// What the delivery-control tests share: messages stored with fallback steps
// and validity (no Queue job: the tests drive the consumer and the alarm),
// the object's alarm run at a later time, and a receiver's callbacks read.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { NewMessageRow } from "../../src/db/message-schema.ts";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import type { FallbackStep } from "../../src/domain/delivery-controls.ts";
import type { TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import type { FakeHttp } from "../support/fake-http.ts";
import { storeMessage } from "../support/queue.ts";
import { afterSeconds } from "../webhooks/webhooks.fixture.ts";

export { afterSeconds };

/** An email step to ana@example.com, as a create would store it. */
export const emailStep: FallbackStep = {
  channel: "email",
  to: "ana@example.com",
  from: "noreply@acme.example",
  fromId: null,
  content: null,
  rendered: { channel: "email", subject: "Your code", text: "Your code is 849201" },
};

/** Stores an SMS (no Queue job) with these delivery controls; its object's stub. */
export async function storedWithControls(account: TestAccount, overrides: Partial<NewMessageRow>) {
  const id = await storeMessage(account, overrides);
  return { id, stub: messageStatusStub(env, id) };
}

export interface Callback {
  type: string;
  attempt: { index: number; channel: string; status: string } | null;
  data: Record<string, unknown>;
}

export const callbacks = (receiver: FakeHttp): Callback[] => receiver.requests.map((request) => JSON.parse(request.body) as Callback);

export async function getMessage(account: TestAccount, id: string): Promise<Record<string, unknown>> {
  return (await api(`/v1/messages/${id}`, { key: account.key })).json();
}

/**
 * GET /v1/messages/:id polled until it matches (`await shownMessage(account, id).toMatchObject(...)`):
 * a change reaches the row through the projection queue (docs/architecture.md, "Status projections").
 */
export function shownMessage(account: TestAccount, id: string) {
  return expect.poll(() => getMessage(account, id), { timeout: 5_000, interval: 50 });
}

/** The provider hand-off attempts the object logged, in order. */
export async function handOffs(stub: ReturnType<typeof messageStatusStub>) {
  return (await stub.events()).filter((event) => event.type === "provider.attempt").map((event) => event.data);
}
