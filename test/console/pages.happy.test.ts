// What the Console's pages show and do, over HTTP: webhook attempts in the
// timeline and across messages, resending an abandoned callback, rolling the
// signing secret, senders, and the template preview's validation.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, post, signIn } from "../support/console.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { eventually } from "../support/wait.ts";

/** The documented retry schedule (docs/api-guide.md): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

let receiver: ReturnType<typeof fakeReceiver> | undefined;
afterEach(() => {
  receiver?.restore();
  vi.useRealTimers();
});

describe("webhook attempts in the Console", () => {
  it("shows each attempt with its HTTP status and next retry, and resends an abandoned callback", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(...Array.from({ length: RETRY_SCHEDULE_SECONDS.length + 1 }, () => () => new Response("down", { status: 503 })));
    fakeProviders();
    const account = await createAccount("live");
    const { id, stub } = await handedOff("sms", { statusCallback: receiver.url }, account);
    await eventually(() => receiver!.requests.length === 1);
    const session = await signIn(account);

    const detail = await (await consoleFetch(`/console/messages/${id}`, { cookie: session.cookie })).text();
    expect(detail).toMatch(/Webhook message\.sent<\/strong>, attempt 1: retry_scheduled\s*· HTTP 503/);
    expect(detail).toMatch(/next retry \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    expect(detail).toMatch(/<button type="submit" disabled>Resend webhook<\/button>/);
    const webhooks = await (await consoleFetch("/console/webhooks", { cookie: session.cookie })).text();
    expect(webhooks).toContain(`href="/console/messages/${id}"`);
    expect(webhooks).toMatch(/<td>message\.sent<\/td>\s*<td>retry_scheduled<\/td><td>503<\/td>/);

    let elapsed = 0;
    for (const delay of RETRY_SCHEDULE_SECONDS) {
      elapsed += delay * 1.1 + 1;
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + elapsed * 1000 });
      await runDurableObjectAlarm(stub);
      vi.useRealTimers();
    }
    const resent = await post(session, `/console/messages/${id}/webhook/retry`, {});
    expect(resent.status).toBe(200);
    expect(await resent.text()).toContain("1 webhook event(s) queued again.");
    await eventually(() => receiver!.requests.length === RETRY_SCHEDULE_SECONDS.length + 2);
  });
});

describe("the webhook signing secret", () => {
  it("is hidden until revealed, and rolling it changes the account's secret", async () => {
    const account = await createAccount();
    const session = await signIn(account);
    const page = await (await consoleFetch("/console/webhooks", { cookie: session.cookie })).text();
    expect(page).toMatch(/<details><summary>Reveal the signing secret<\/summary>[\s\S]*?whsec_/);
    const rolled = await post(session, "/console/webhooks/roll", {});
    expect(rolled.status).toBe(200);
    const now = await (await api("/v1/account", { key: account.key })).json<{
      webhook_signing_secret: string;
      previous_webhook_signing_secret_expires_at: number;
    }>();
    expect(now.webhook_signing_secret).not.toBe(account.webhookSecret);
    expect(now.previous_webhook_signing_secret_expires_at).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(await rolled.text()).toContain(now.webhook_signing_secret);
  });
});

describe("senders in the Console", () => {
  it("adds with the API's rules and deletes", async () => {
    const account = await createAccount();
    const session = await signIn(account);
    const bad = await post(session, "/console/senders", { channel: "sms", address: "not a number", default: "false" });
    expect(bad.status).toBe(400);
    const added = await post(session, "/console/senders", { channel: "sms", address: "+14155550100", default: "false" });
    expect(added.status).toBe(200);
    const senders = await (await api("/v1/senders", { key: account.key })).json<{ data: { id: string; address: string; default: boolean }[] }>();
    const sender = senders.data.find((s) => s.address === "+14155550100")!;
    expect(sender.default).toBe(false);
    expect((await post(session, "/console/senders", { channel: "sms", address: "+14155550100" })).status).toBe(409);
    expect((await post(session, `/console/senders/${sender.id}/delete`, {})).status).toBe(200);
    expect((await api(`/v1/senders/${sender.id}`, { key: account.key })).status).toBe(404);
  });
});

describe("the template editor", () => {
  it("previews each channel, and refuses what the API refuses with the API's message, saving nothing", async () => {
    const account = await createAccount();
    const session = await signIn(account);
    const preview = await post(session, "/console/templates", { id: "otp", sms_text: "Code {{ code }}", variables: "code=77", action: "preview" });
    expect(await preview.text()).toContain('<pre data-preview="sms">Code 77</pre>');
    const missing = await post(session, "/console/templates", { id: "otp", sms_text: "Code {{code}}", variables: "", action: "preview" });
    expect(await missing.text()).toMatch(/role="alert">[^<]*\(content\[variables\]\[code\]\)/);
    const html = await post(session, "/console/templates", { id: "otp", email_subject: "Hi", email_html: "<img alt={{n}}>", action: "save" });
    expect(html.status).toBe(400);
    expect(await html.text()).toContain("Invalid email[html]:");
    expect((await api("/v1/templates/otp", { key: account.key })).status).toBe(404);
  });
});
