// Verifications: the list (newest first, by status), each one's attempts,
// checks and callbacks, and the fraud guard's latest refusals. No code is
// shown anywhere: the Console reads what the API answers, never the code.
import type { Context } from "hono";
import { html } from "hono/html";
import { type Cursor, decodeCursor, encodeCursor } from "../../domain/cursor.ts";
import { VERIFICATION_STATUSES, type VerificationObject, type VerificationStatus } from "../../domain/verification.ts";
import { listAccountVerifications, VERIFICATION_ID, verificationDetail, verificationRefusals } from "../../services/verifications.ts";
import type { ConsoleEnv } from "../context.ts";
import { page, time } from "../layout.ts";

const PAGE_SIZE = 25;
const REFUSALS_SHOWN = 10;

const badge = (status: string) => html`<span class="status status-${status}">${status}</span>`;
const msTime = (ms: number) => time(Math.floor(ms / 1000));

const row = (v: VerificationObject) =>
  html`<tr><td><a class="mono" href="/console/verifications/${v.id}">${v.id}</a></td><td>${v.to}</td><td>${v.channels.join(" → ")}</td><td>${badge(v.status)}</td><td class="optional">${time(v.created_at)}</td></tr>`;

export async function verificationsPage(c: Context<ConsoleEnv>) {
  const query = c.req.query();
  const status = VERIFICATION_STATUSES.find((known) => known === query.status) as VerificationStatus | undefined;
  const cursor: Cursor | null = query.cursor ? decodeCursor(query.cursor, VERIFICATION_ID) : null;
  const account = c.get("account");
  const [result, refusals] = await Promise.all([
    listAccountVerifications(c.env, account, status ? { status } : {}, PAGE_SIZE, cursor),
    verificationRefusals(c.env, account),
  ]);
  const form: Record<string, string> = status ? { status } : {};
  const link = (target: Cursor) => `/console/verifications?${new URLSearchParams({ ...form, cursor: encodeCursor(target) })}`;
  const backwards = cursor?.dir === "prev";
  const first = result.items[0];
  const last = result.items.at(-1);
  const newer = first && (backwards ? result.hasMore : cursor !== null) ? link({ id: first.id, dir: "prev" }) : null;
  const older = last && (backwards || result.hasMore) ? link({ id: last.id, dir: "next" }) : null;
  return page(
    c,
    "Verifications",
    html`<h1>Verifications</h1>
<form class="card row" method="get" action="/console/verifications" aria-label="Filters">
  <div><label for="f-status">Status</label><select id="f-status" name="status"><option value="">any</option>${VERIFICATION_STATUSES.map(
    (option) => html`<option ${option === status ? "selected" : ""}>${option}</option>`,
  )}</select></div>
  <button type="submit">Filter</button> <a href="/console/verifications">Clear</a>
</form>
<div class="card">
<table>
<thead><tr><th scope="col">Id</th><th scope="col">To</th><th scope="col">Channels</th><th scope="col">Status</th><th scope="col" class="optional">Created</th></tr></thead>
<tbody>${result.items.map(row)}</tbody>
</table>
${result.items.length === 0 ? html`<p class="muted">No verifications${status ? " with this status" : " yet"}.</p>` : ""}
<nav class="pager" aria-label="Pages">${newer ? html`<a href="${newer}">← Newer</a>` : ""}${older ? html`<a href="${older}">Older →</a>` : ""}</nav>
</div>
<section class="card"><h2>Refused by the fraud guard</h2>
${
  refusals.length === 0
    ? html`<p class="muted">No verification has been refused.</p>`
    : html`<table><thead><tr><th scope="col">When</th><th scope="col">To</th><th scope="col">Why</th></tr></thead>
<tbody>${refusals.slice(0, REFUSALS_SHOWN).map((refusal) => html`<tr><td>${msTime(refusal.at)}</td><td>${refusal.recipient}</td><td><code>${refusal.code}</code></td></tr>`)}</tbody></table>`
}
</section>`,
  );
}

export async function verificationDetailPage(c: Context<ConsoleEnv>) {
  const detail = await verificationDetail(c.env, c.get("account"), c.req.param("id") ?? "");
  if (!detail) return page(c, "Not found", html`<h1>Verification not found</h1><p>No such verification in this account.</p>`, 404);
  const { verification: v, checks, callbacks } = detail;
  return page(
    c,
    v.id,
    html`<h1>Verification <span class="mono">${v.id}</span></h1>
<p>${badge(v.status)} · to ${v.to} · created ${time(v.created_at)} · expires ${time(v.expires_at)} · ${v.check_attempts_remaining} check(s) left</p>
<section class="card"><h2>Attempts</h2>
<table><thead><tr><th scope="col">Channel</th><th scope="col">Message</th><th scope="col">Status</th></tr></thead>
<tbody>${v.attempts.map((a) => html`<tr><td>${a.channel}</td><td><a class="mono" href="/console/messages/${a.message_id}">${a.message_id}</a></td><td>${badge(a.status)}</td></tr>`)}</tbody></table>
</section>
<section class="card"><h2>Checks</h2>
${
  checks.length === 0
    ? html`<p class="muted">No code has been checked.</p>`
    : html`<ol>${checks.map((check) => html`<li>${msTime(check.at)}: ${check.valid ? "right code" : "wrong code"}</li>`)}</ol>`
}
</section>
<section class="card"><h2>Callbacks</h2>
${
  callbacks.length === 0
    ? html`<p class="muted">${v.status_callback ? "No event yet." : "This verification has no status_callback."}</p>`
    : html`<ol>${callbacks.map((event) => html`<li><code>${event.type}</code>: ${event.outcome ?? "pending"} after ${event.attempts} attempt(s)</li>`)}</ol>`
}
</section>`,
  );
}
