// The page shell and the small pieces every Console page uses. hono/html
// escapes every interpolated value; only html`` fragments go in unescaped.
import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ConsoleEnv } from "./context.ts";

export type Fragment = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV = [
  ["/console", "Overview"],
  ["/console/messages", "Messages"],
  ["/console/batches", "Batches"],
  ["/console/usage", "Usage"],
  ["/console/verifications", "Verifications"],
  ["/console/api-keys", "API keys"],
  ["/console/webhooks", "Webhooks"],
  ["/console/webhook-endpoints", "Endpoints"],
  ["/console/templates", "Templates"],
  ["/console/senders", "Senders"],
  ["/console/send", "Send a test"],
] as const;

function shell(c: Context<ConsoleEnv>, title: string, header: Fragment | string, body: Fragment) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · OmniFlow Console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer nonce="${c.get("nonce")}"></script>
</head>
<body>
${header}
<main id="main">${body}</main>
</body>
</html>`;
}

/** A signed-in page: navigation, the account, sign-out. */
export function page(c: Context<ConsoleEnv>, title: string, body: Fragment, status: 200 | 400 | 404 | 409 = 200) {
  const account = c.get("account");
  const path = new URL(c.req.url).pathname;
  const current = NAV.filter(([href]) => path === href || (href !== "/console" && path.startsWith(href))).at(-1)?.[0];
  const header = html`<header class="top">
  <a class="brand" href="/console">OmniFlow Console</a>
  <nav class="main" aria-label="Console">
    ${NAV.map(([href, label]) => html`<a href="${href}" ${href === current ? html`aria-current="page"` : ""}>${label}</a>`)}
  </nav>
  <span class="muted" title="Account">${account.name} (${account.mode})</span>
  <form class="inline" method="post" action="/console/logout">${csrfField(c)}<button class="secondary" type="submit">Sign out</button></form>
</header>`;
  return c.html(shell(c, title, header, body), status);
}

/** A page outside a session (sign-in). */
export function publicPage(c: Context<ConsoleEnv>, title: string, body: Fragment, status: 200 | 400 | 403 = 200) {
  return c.html(shell(c, title, html`<header class="top"><span class="brand">OmniFlow Console</span></header>`, body), status);
}

export const csrfField = (c: Context<ConsoleEnv>) => html`<input type="hidden" name="_csrf" value="${c.get("csrfToken")}">`;

export const statusBadge = (id: string, status: string, reloadOnChange = false) =>
  html`<span class="status status-${status}" data-message-id="${id}" data-message-status="${status}" ${reloadOnChange ? html`data-reload-on-change` : ""}>${status}</span>`;

/** Unix seconds as UTC, e.g. 2026-11-30 04:37:12 UTC: the same for every reader. */
export function time(seconds: number | null): string {
  if (seconds === null) return "—";
  return `${new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export const notice = (text: string | null, kind: "info" | "error" = "info") =>
  text ? html`<p class="notice ${kind === "error" ? "error" : ""}" role="${kind === "error" ? "alert" : "status"}">${text}</p>` : "";
