// Signing in and out. The sign-in form has no session yet, so its CSRF token
// is a double submit: a random value in a SameSite=Strict cookie and the form.
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { generateConsoleToken } from "../auth/console-token.ts";
import { loadConfig } from "../config.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { requestSignIn, signIn, signOut } from "../services/console-auth.ts";
import type { ConsoleEnv } from "./context.ts";
import { notice, publicPage } from "./layout.ts";
import { isLocalhost } from "./security.ts";
import { clearSessionCookie, requireSession, setSessionCookie } from "./session.ts";

const LOGIN_CSRF_COOKIE = "omniflow_console_login";

export const signInRoutes = new Hono<ConsoleEnv>();

signInRoutes.get("/login", (c) => {
  const token = generateConsoleToken();
  setCookie(c, LOGIN_CSRF_COOKIE, token, { path: "/console", httpOnly: true, sameSite: "Strict", secure: !isLocalhost(c.req.url), maxAge: 3600 });
  const expired = c.req.query("link") === "invalid";
  return publicPage(
    c,
    "Sign in",
    html`<h1>Sign in</h1>
${notice(expired ? "That sign-in link is used, expired or unknown. Ask for a new one below." : null, "error")}
<div class="card">
<form method="post" action="/console/login">
  <input type="hidden" name="_csrf" value="${token}">
  <label for="email">Email address</label>
  <div class="row"><input id="email" name="email" type="email" required autocomplete="email" size="32"><button type="submit">Email me a sign-in link</button></div>
</form>
<p class="muted">Locally, the link is printed by <code>npm run dev</code> and <code>npm run keys -- console-link --account NAME</code>, and written to the server log.</p>
</div>`,
  );
});

signInRoutes.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const cookie = getCookie(c, LOGIN_CSRF_COOKIE) ?? "";
  const given = typeof form._csrf === "string" ? form._csrf : "";
  if (!cookie || !timingSafeEqualStrings(given, cookie)) return c.text("The form's security token is missing or wrong: reload the page and try again.", 403);
  const email = typeof form.email === "string" ? form.email.trim() : "";
  if (!/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email)) {
    return publicPage(
      c,
      "Sign in",
      html`<h1>Sign in</h1>${notice("Enter the email address you use for the Console.", "error")}<p><a href="/console/login">Back</a></p>`,
      400,
    );
  }
  await requestSignIn(c.env, c.var.control, loadConfig(c.env), email, new URL(c.req.url).origin, isLocalhost(c.req.url));
  return publicPage(
    c,
    "Check your email",
    html`<h1>Check your email</h1><p class="notice" role="status">If ${email} may use the Console, a sign-in link is on its way. It works once, for 15 minutes.</p>`,
  );
});

// Opening the link signs in (that is what a newcomer clicking the printed link expects).
signInRoutes.get("/auth", async (c) => {
  const token = c.req.query("token") ?? "";
  const session = /^[0-9a-f]{64}$/.test(token) ? await signIn(c.var.control, token) : null;
  if (!session) return c.redirect("/console/login?link=invalid", 303);
  setSessionCookie(c, session);
  return c.redirect("/console", 303);
});

signInRoutes.post("/logout", requireSession, async (c) => {
  await signOut(c.var.control, c.get("sessionToken"));
  clearSessionCookie(c);
  return c.redirect("/console/login", 303);
});
