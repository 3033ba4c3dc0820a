// sender.verified: sent by the gate when a sender is proven, once (verifying it again sends nothing).
import { afterEach, expect, it, vi } from "vitest";
import { AccountGate } from "../../src/gate/account-gate.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeDns, fakeReceiver } from "../support/fake-http.ts";
import { addSender, freshEmail } from "../support/resources.ts";
import { eventually } from "../support/wait.ts";
import { createEndpoint, verifyWith } from "./webhook-endpoints.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

it("sends sender.verified to a subscribed endpoint when a sender is proven, and not again for a second verify", async () => {
  const [hooks, dns] = [fakeReceiver(), fakeDns()];
  fakes.push(hooks, dns);
  const account = await createAccount("live");
  const endpoint = await createEndpoint(account, { url: hooks.url, enabled_events: ["sender.verified"] });
  const claim = await addSender(account, { channel: "email", address: freshEmail() });
  dns.publishTxt(claim.verification!.record_name!, claim.verification!.record_value!);
  const verify = () => api(`/v1/senders/${claim.id}/verify`, { key: account.key, method: "POST" });
  expect((await verify()).status).toBe(200);
  await eventually(() => hooks.requests.length === 1);
  expect(verifyWith(endpoint.secret, hooks.requests[0]!)).toMatchObject({
    type: "sender.verified",
    data: { id: claim.id, object: "sender", status: "verified" },
  });
  // Verified already: the second verify tells the gate nothing, so no second event can be made.
  const told = vi.spyOn(AccountGate.prototype, "changed");
  expect((await verify()).status).toBe(200);
  expect(told.mock.calls.filter(([change]) => change.event?.accountId === account.id)).toEqual([]);
  expect(hooks.requests).toHaveLength(1);
});
