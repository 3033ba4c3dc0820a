// The Console's security rules over HTTP: one-time, short-lived links; the
// session cookie's flags; CSRF tokens; the security headers; one account per
// session; sign-out ending the session on the server.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, linkToken, openLink, post, signIn } from "../support/console.ts";
import { messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";

afterEach(() => vi.useRealTimers());

describe("sign-in links", () => {
  it("sign in once; the second use goes back to the sign-in page without a session", async () => {
    const account = await createAccount();
    const token = await linkToken(account);
    const first = await openLink(token);
    expect(first.res.status).toBe(303);
    expect(first.res.headers.get("location")).toBe("/console");
    expect(first.cookie).toMatch(/^__Host-omniflow_console=[0-9a-f]{64}$/);
    const second = await openLink(token);
    expect(second.res.headers.get("location")).toBe("/console/login?link=invalid");
    expect(second.cookie).toBeNull();
  });

  it("do not sign in once expired, nor when unknown or malformed", async () => {
    const account = await createAccount();
    const expired = await linkToken(account, -1);
    for (const token of [expired, "0".repeat(64), "not-a-token", ""]) {
      const { res, cookie } = await openLink(token);
      expect(res.headers.get("location")).toBe("/console/login?link=invalid");
      expect(cookie).toBeNull();
    }
  });
});

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Secure and __Host- on a deployment, and lasts at most 7 days", async () => {
    const { res } = await openLink(await linkToken(await createAccount()));
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-omniflow_console=[0-9a-f]{64};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=604800/);
  });

  it("is not Secure on localhost (plain http), and still HttpOnly and SameSite=Lax", async () => {
    const { res } = await openLink(await linkToken(await createAccount()), "http://localhost:8787");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^omniflow_console=[0-9a-f]{64};/);
    expect(cookie).not.toMatch(/Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});

describe("CSRF", () => {
  it("refuses a state-changing form without the token, with a wrong one, or from another site, and changes nothing", async () => {
    const account = await createAccount();
    const session = await signIn(account);
    const before = await (await api("/v1/api_keys", { key: account.key })).json<{ data: unknown[] }>();
    expect((await post(session, "/console/api-keys", { name: "no token" }, null)).status).toBe(403);
    expect((await post(session, "/console/api-keys", { name: "wrong" }, "0".repeat(64))).status).toBe(403);
    const crossSite = await consoleFetch("/console/api-keys", {
      method: "POST",
      cookie: session.cookie,
      body: new URLSearchParams({ name: "cross", _csrf: session.csrf }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const sent = await post(session, "/console/send", { channel: "sms", to: "+14155550123", text: "x" }, null);
    expect(sent.status).toBe(403);
    const after = await (await api("/v1/api_keys", { key: account.key })).json<{ data: unknown[] }>();
    expect(after.data).toHaveLength(before.data.length);
    expect(await messageCount(account.id)).toBe(0);
    // The same form with the token works.
    expect((await post(session, "/console/api-keys", { name: "with token" })).status).toBe(200);
  });
});

describe("security headers", () => {
  it("every page has a nonce CSP without unsafe-inline, frame-ancestors 'none' and a Referrer-Policy; every script carries the nonce", async () => {
    const session = await signIn(await createAccount());
    for (const path of [
      "/console",
      "/console/messages",
      "/console/api-keys",
      "/console/webhooks",
      "/console/templates",
      "/console/senders",
      "/console/send",
      "/console/login",
    ]) {
      const res = await consoleFetch(path, { cookie: session.cookie });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy")!;
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, path).toBeTruthy();
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
      // Nothing from another origin.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });
});

describe("another account's data", () => {
  it("is a 404 in the Console, and its webhook cannot be resent", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const created = await (await api("/v1/messages", { key: owner.key, json: smsBody() })).json<{ id: string }>();
    const session = await signIn(other);
    const res = await consoleFetch(`/console/messages/${created.id}`, { cookie: session.cookie });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(smsBody().to);
    expect((await post(session, `/console/messages/${created.id}/webhook/retry`, {})).status).toBe(404);
    const live = await (await consoleFetch(`/console/statuses?ids=${created.id}`, { cookie: session.cookie })).json<{ statuses: object }>();
    expect(live.statuses).toEqual({});
    const list = await (await consoleFetch("/console/messages", { cookie: session.cookie })).text();
    expect(list).not.toContain(created.id);
  });

  it("keys of another account cannot be revoked or rolled from a session", async () => {
    const owner = await createAccount();
    const key = await (await api("/v1/api_keys", { key: owner.key, json: { name: "owner's" } })).json<{ id: string; secret: string }>();
    const session = await signIn(await createAccount());
    expect((await post(session, `/console/api-keys/${key.id}/revoke`, {})).status).toBe(404);
    expect((await post(session, `/console/api-keys/${key.id}/roll`, { expires_in: "0" })).status).toBe(404);
    expect((await api("/v1/account", { key: key.secret })).status).toBe(200);
  });
});

describe("sessions", () => {
  it("end on sign-out on the server: the old cookie no longer works", async () => {
    const session = await signIn(await createAccount());
    const out = await post(session, "/console/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    const again = await consoleFetch("/console", { cookie: session.cookie });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/console/login");
    expect((await post(session, "/console/api-keys", { name: "after sign-out" })).status).toBe(401);
  });

  it("end after 12 hours idle; a request within them keeps the session alive, up to 7 days after sign-in", async () => {
    const account = await createAccount();
    const at = (hours: number) => vi.useFakeTimers({ toFake: ["Date"], now: start + hours * 3600_000 });
    const start = Date.now();
    const idle = await signIn(account);
    at(12.1);
    expect((await consoleFetch("/console/messages", { cookie: idle.cookie })).status).toBe(303);

    vi.useRealTimers();
    const busy = await signIn(account);
    // A request every 11 hours keeps it alive...
    for (let hours = 11; hours < 7 * 24; hours += 11) {
      at(hours);
      expect((await consoleFetch("/console/messages", { cookie: busy.cookie })).status, `after ${hours} h`).toBe(200);
    }
    // ...until 7 days after sign-in.
    at(7 * 24 + 0.1);
    expect((await consoleFetch("/console/messages", { cookie: busy.cookie })).status).toBe(303);
  });

  it("without a cookie, pages send to the sign-in page", async () => {
    const res = await consoleFetch("/console/messages");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/login");
  });
});
