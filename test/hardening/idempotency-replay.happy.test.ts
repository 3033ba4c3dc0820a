// Every POST under an Idempotency-Key: a retry with the same key and body is
// the first answer replayed (Idempotent-Replayed: true) and runs nothing again,
// even after the resource changed in between. The webhook-secret roll replays
// the account as it is now (its answer holds a secret a later roll replaced).
import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { createTemplate } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

interface Operation {
  path: string;
  body: Record<string, unknown>;
  status: number;
  /** Made before the first request. */
  setUp?(account: TestAccount): Promise<unknown>;
  /** What changes the resource between the first request and the retry, without the key. */
  changeAfter?(account: TestAccount, first: Record<string, unknown>): Promise<Response>;
}

const OPERATIONS: Record<string, Operation> = {
  "create a template": {
    path: "/v1/templates",
    body: { id: "replay_otp", sms: { text: "Your code is {{code}}" } },
    status: 201,
    changeAfter: (account) => api("/v1/templates/replay_otp", { key: account.key, method: "DELETE" }),
  },
  "update a template": {
    path: "/v1/templates/replay_otp",
    body: { sms: { text: "First update: {{code}}" } },
    status: 200,
    setUp: (account) => createTemplate(account, { id: "replay_otp", sms: { text: "Your code is {{code}}" } }),
    changeAfter: (account) => api("/v1/templates/replay_otp", { key: account.key, json: { sms: { text: "Second update: {{code}}" } } }),
  },
  "add a sender": {
    path: "/v1/senders",
    body: { channel: "sms", address: "+14155550177", default: false },
    status: 201,
    changeAfter: (account, first) => api(`/v1/senders/${first.id as string}`, { key: account.key, method: "DELETE" }),
  },
};

describe("a retry under the same Idempotency-Key", () => {
  it.each(Object.entries(OPERATIONS))("%s: replays the first answer byte for byte and runs nothing again", async (_, operation) => {
    const account = await createAccount();
    await operation.setUp?.(account);
    const send = () => api(operation.path, { key: account.key, json: operation.body, headers: { "Idempotency-Key": "replay-1" } });
    const first = await send();
    expect(first.status).toBe(operation.status);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstBody = await first.text();
    expect((await operation.changeAfter!(account, JSON.parse(firstBody))).ok).toBe(true);

    const retry = await expectNothingStored(account, send);
    expect(retry.status).toBe(operation.status);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(firstBody);
  });

  it("create a message: replays the message as created and creates no second one", async () => {
    const account = await createAccount();
    const send = () => api("/v1/messages", { key: account.key, json: smsBody(), headers: { "Idempotency-Key": "replay-1" } });
    const first = await send();
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const retry = await send();
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(firstBody);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("roll the webhook secret: replays the account as it is now and rolls nothing", async () => {
    const account = await createAccount();
    const send = () => api("/v1/account/webhook_secret/roll", { key: account.key, method: "POST", headers: { "Idempotency-Key": "replay-1" } });
    expect((await send()).status).toBe(200);
    expect((await api("/v1/account/webhook_secret/roll", { key: account.key, method: "POST" })).status).toBe(200);
    const current = await (await api("/v1/account", { key: account.key })).text();

    const retry = await expectNothingStored(account, send);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(current);
  });
});
