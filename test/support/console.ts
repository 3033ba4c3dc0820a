// Console sign-in for tests: users and one-time links stored as
// `npm run keys -- console-link` stores them, and requests with the session cookie.
import { exports } from "cloudflare:workers";
import { generateConsoleToken, hashConsoleToken } from "../../src/auth/console-token.ts";
import { consoleLinks, consoleUsers } from "../../src/db/control-schema.ts";
import { newId, unixSeconds } from "../../src/domain/ids.ts";
import type { TestAccount } from "./accounts.ts";
import { db } from "./db.ts";

const CONSOLE_ORIGIN = "https://api.omniflow.test";

/** A sign-in link token for a (new) user of the account; `expiresIn` seconds from now. */
export async function linkToken(account: TestAccount, expiresIn = 900, email = `${crypto.randomUUID()}@example.com`): Promise<string> {
  const userId = newId("cu");
  await db().insert(consoleUsers).values({ id: userId, accountId: account.id, email, createdAt: unixSeconds() });
  const token = generateConsoleToken();
  await db()
    .insert(consoleLinks)
    .values({ tokenHash: await hashConsoleToken(token), userId, expiresAt: unixSeconds() + expiresIn });
  return token;
}

export function consoleFetch(path: string, init: RequestInit & { cookie?: string; origin?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("Cookie", init.cookie);
  return exports.default.fetch(`${init.origin ?? CONSOLE_ORIGIN}${path}`, { ...init, headers, redirect: "manual" });
}

/** Opens the link: the session cookie ("name=value") it set, or null. */
export async function openLink(token: string, origin = CONSOLE_ORIGIN): Promise<{ res: Response; cookie: string | null }> {
  const res = await consoleFetch(`/console/auth?token=${token}`, { origin });
  const setCookie = res.headers.get("set-cookie");
  return { res, cookie: setCookie ? setCookie.split(";")[0]! : null };
}

export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

/** A signed-in session of the account, with the CSRF token its pages carry. */
export async function signIn(account: TestAccount): Promise<ConsoleSession> {
  const { cookie } = await openLink(await linkToken(account));
  if (!cookie) throw new Error("sign-in failed");
  const html = await (await consoleFetch("/console/api-keys", { cookie })).text();
  const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error("no CSRF token on the page");
  return { cookie, csrf };
}

/** A form POST with the session (and its CSRF token unless `csrf` says otherwise). */
export function post(session: ConsoleSession, path: string, fields: Record<string, string>, csrf: string | null = session.csrf): Promise<Response> {
  const body = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) });
  return consoleFetch(path, {
    method: "POST",
    cookie: session.cookie,
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: CONSOLE_ORIGIN },
  });
}
