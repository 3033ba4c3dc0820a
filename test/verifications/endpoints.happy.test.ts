// verification.* events go to the account's webhook endpoints subscribed to
// them (sent by the account's gate, signed with each endpoint's secret, in
// order), as well as to the verification's status_callback; an endpoint
// subscribed to other types gets none of them.
import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { createEndpoint, verifyWith } from "../webhook-endpoints/webhook-endpoints.fixture.ts";
import { startVerification, testCode } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
});

describe("a verification's events", () => {
  it("reach the endpoint subscribed to them and the status_callback, not an endpoint subscribed to other types", async () => {
    const [subscribedHooks, otherHooks, callback] = [fakeReceiver(), fakeReceiver(), fakeReceiver()];
    fakes.push(subscribedHooks, otherHooks, callback);
    const account = await createAccount();
    const subscribed = await createEndpoint(account, { url: subscribedHooks.url, enabled_events: ["verification.pending", "verification.approved"] });
    await createEndpoint(account, { url: otherHooks.url, enabled_events: ["suppression.created", "message.delivered"] });

    const { id } = await startVerification(account, { to: "+14155550181", status_callback: callback.url });
    const code = await testCode(account, id);
    const checked = await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } });
    expect(await checked.json()).toMatchObject({ status: "approved" });

    await eventually(() => subscribedHooks.requests.length === 2 && callback.requests.length === 2);
    const events = subscribedHooks.requests.map((request) => verifyWith(subscribed.secret, request));
    expect(events).toMatchObject([
      { type: "verification.pending", data: { id, object: "verification", status: "pending" } },
      { type: "verification.approved", data: { id, object: "verification", status: "approved" } },
    ]);
    expect(callback.requests.map((request) => (JSON.parse(request.body) as { type: string }).type)).toEqual(["verification.pending", "verification.approved"]);
    for (const request of [...subscribedHooks.requests, ...callback.requests]) expect(request.body).not.toContain(code);
    expect(otherHooks.requests).toEqual([]);
  });
});
