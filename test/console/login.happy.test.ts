// /console/login: an email address gets a one-time link; locally (and with no
// operator account configured) the link goes to the server log, whole.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { consoleFetch, linkToken, openLink } from "../support/console.ts";

afterEach(() => vi.restoreAllMocks());

async function loginForm(origin: string) {
  const res = await consoleFetch("/console/login", { origin });
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(await res.text())![1]!;
  return { cookie, csrf };
}

function submit(origin: string, form: { cookie: string; csrf: string }, email: string, csrf = form.csrf) {
  return consoleFetch("/console/login", {
    origin,
    method: "POST",
    cookie: form.cookie,
    body: new URLSearchParams({ email, _csrf: csrf }),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

describe("asking for a sign-in link", () => {
  it("writes a working link to the log locally, and answers the same for an unknown address", async () => {
    const account = await createAccount();
    const email = `${crypto.randomUUID()}@example.com`;
    await linkToken(account, 900, email); // makes the user
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    const origin = "http://localhost:8787";
    const form = await loginForm(origin);
    const known = await submit(origin, form, email.toUpperCase());
    expect(known.status).toBe(200);
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.event === "console_sign_in_link");
    expect(logged.console_sign_in_link).toMatch(/^http:\/\/localhost:8787\/console\/auth\?token=[0-9a-f]{64}$/);
    const token = new URL(logged.console_sign_in_link).searchParams.get("token")!;
    expect((await openLink(token, origin)).cookie).toMatch(/^omniflow_console=/);

    lines.length = 0;
    const unknown = await submit(origin, form, "nobody@example.com");
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain("If nobody@example.com may use the Console");
    expect(lines.filter((line) => line.includes("console_sign_in_link"))).toEqual([]);
  });

  it("refuses the form without its CSRF token", async () => {
    const origin = "http://localhost:8787";
    const form = await loginForm(origin);
    expect((await submit(origin, form, "a@example.com", "0".repeat(64))).status).toBe(403);
    expect((await submit(origin, { cookie: "", csrf: form.csrf }, "a@example.com")).status).toBe(403);
  });
});
