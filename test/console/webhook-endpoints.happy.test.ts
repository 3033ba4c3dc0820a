// Webhook endpoints in the Console: added with events from the catalogue,
// disabled, tested, and the API sees the same endpoint.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, post, signIn } from "../support/console.ts";
import { fakeReceiver } from "../support/fake-http.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.restoreAllMocks();
});

interface Listed {
  data: { id: string; url: string; enabled_events: string[]; status: string; disabled_reason: string | null }[];
}

describe("webhook endpoints in the Console", () => {
  it("adds an endpoint with the events ticked, shows its secret, sends a test event, and disables it", async () => {
    receiver = fakeReceiver();
    const account = await createAccount("live");
    const session = await signIn(account);
    const form = new URLSearchParams({ url: receiver.url, description: "CRM", _csrf: session.csrf });
    form.append("events", "message.failed");
    form.append("events", "suppression.created");
    const added = await consoleFetch("/console/webhook-endpoints", {
      method: "POST",
      cookie: session.cookie,
      body: form,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://api.omniflow.test" },
    });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain("Reveal the signing secret");
    const [endpoint] = (await (await api("/v1/webhook_endpoints", { key: account.key })).json<Listed>()).data;
    expect(endpoint).toMatchObject({ url: receiver.url, enabled_events: ["message.failed", "suppression.created"], status: "enabled" });

    const page = await (await consoleFetch(`/console/webhook-endpoints/${endpoint!.id}`, { cookie: session.cookie })).text();
    const { secret } = await (await api(`/v1/webhook_endpoints/${endpoint!.id}/secret`, { key: account.key })).json<{ secret: string }>();
    expect(page).toContain(secret);
    expect(page).toMatch(/value="message\.failed" checked/);
    expect(page).not.toMatch(/value="message\.delivered" checked/);

    const tested = await post(session, `/console/webhook-endpoints/${endpoint!.id}/test`, {});
    expect(await tested.text()).toContain("The endpoint answered 200.");
    expect(receiver.requests).toHaveLength(1);

    const saved = await post(session, `/console/webhook-endpoints/${endpoint!.id}`, { events: "message.failed", disabled: "true" });
    expect(await saved.text()).toContain("disabled (manual)");
    expect(await (await api(`/v1/webhook_endpoints/${endpoint!.id}`, { key: account.key })).json()).toMatchObject({
      enabled_events: ["message.failed"],
      status: "disabled",
      disabled_reason: "manual",
    });
  });
});
