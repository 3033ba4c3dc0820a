// The Console's session cookie and CSRF check. The cookie holds the session's
// random token (stored server-side only as its hash); every state-changing
// form carries a token derived from it, and a cross-site POST is refused.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { SESSION_MAX_SECONDS } from "../auth/console-token.ts";
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { sessionFor } from "../services/console-auth.ts";
import type { ConsoleEnv } from "./context.ts";
import { isLocalhost } from "./security.ts";

// __Host-: only ever set by this origin over https, for the whole site (browsers enforce it).
const cookieName = (secure: boolean) => (secure ? "__Host-omniflow_console" : "omniflow_console");

export function setSessionCookie(c: Context<ConsoleEnv>, token: string): void {
  const secure = !isLocalhost(c.req.url);
  setCookie(c, cookieName(secure), token, { path: "/", httpOnly: true, sameSite: "Lax", secure, maxAge: SESSION_MAX_SECONDS });
}

function sessionToken(c: Context<ConsoleEnv>): string | undefined {
  return getCookie(c, cookieName(!isLocalhost(c.req.url)));
}

export function clearSessionCookie(c: Context<ConsoleEnv>): void {
  const secure = !isLocalhost(c.req.url);
  deleteCookie(c, cookieName(secure), { path: "/", secure, httpOnly: true, sameSite: "Lax" });
}

/** A request from another site (its Origin, which browsers send on every POST, is not ours). */
function crossSite(c: Context<ConsoleEnv>): boolean {
  const origin = c.req.header("origin");
  return origin !== undefined && origin !== new URL(c.req.url).origin;
}

/** Signed-in pages: without a live session, GETs go to the sign-in page and anything else is a 401. */
export const requireSession = createMiddleware<ConsoleEnv>(async (c, next) => {
  const token = sessionToken(c);
  const session = token ? await sessionFor(c.var.control, token) : null;
  if (!session || !token) {
    if (c.req.method === "GET") return c.redirect("/console/login", 303);
    return c.text("Your Console session has ended: sign in again.", 401);
  }
  if (session.touch) c.executionCtx.waitUntil(session.touch.catch(() => undefined));
  c.set("account", session.account);
  c.set("csrfToken", session.csrfToken);
  c.set("sessionToken", token);
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const form = await c.req.parseBody();
    const given = typeof form._csrf === "string" ? form._csrf : "";
    if (crossSite(c) || !timingSafeEqualStrings(given, session.csrfToken)) {
      return c.text("The form's security token is missing or wrong: reload the page and try again.", 403);
    }
  }
  await next();
});
