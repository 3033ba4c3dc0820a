// What endpoints cost a message: nothing more without any (the gate's answer at
// the create travels with the job), one gate request per message with some.
import { afterEach, expect, it, vi } from "vitest";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { eventually } from "../support/wait.ts";
import { createEndpoint } from "./webhook-endpoints.fixture.ts";

const receivers: ReturnType<typeof fakeReceiver>[] = [];
afterEach(() => {
  for (const made of receivers.splice(0)) made.restore();
  vi.restoreAllMocks();
});

async function gateAsks(withEndpoint: boolean) {
  const [callback, hooks] = [fakeReceiver(), fakeReceiver()];
  receivers.push(callback, hooks);
  const account = await createAccount();
  if (withEndpoint) await createEndpoint(account, { url: hooks.url, enabled_events: ["*"] });
  const asked = vi.spyOn(AccountGate.prototype, "endpointSubscriptions");
  const targets = vi.spyOn(AccountGate.prototype, "endpointTarget");
  await createMessage(account, smsBody({ status_callback: callback.url }));
  await eventually(() => callback.requests.length === 2 && hooks.requests.length === (withEndpoint ? 2 : 0), 10_000);
  const mine = <T extends unknown[]>(spy: { mock: { calls: T[] } }) => spy.mock.calls.filter((call) => call[0] === account.id).length;
  return { subscriptions: mine(asked), targets: mine(targets) };
}

it("asks the account's gate nothing more for a message of an account without endpoints", async () => {
  expect(await gateAsks(false)).toEqual({ subscriptions: 0, targets: 0 });
});

it("asks the gate once for the endpoints and once per attempt for where to send, with one endpoint", async () => {
  expect(await gateAsks(true)).toEqual({ subscriptions: 1, targets: 2 });
});
