// Webhooks: the signing secret (hidden until revealed), rolling it, and the
// latest status callback attempts across the account's messages.
import type { Context } from "hono";
import { html } from "hono/html";
import { unixSeconds } from "../../domain/ids.ts";
import { rollSigningSecret } from "../../services/account.ts";
import { accountMessagesWithCallbacks } from "../../services/console-figures.ts";
import { messageEvents } from "../../services/events.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page, time } from "../layout.ts";

/** How many of the newest messages with a callback are read for their attempts (one Durable Object call each). */
const MESSAGES_READ = 20;

async function latestAttempts(c: Context<ConsoleEnv>) {
  const messages = await accountMessagesWithCallbacks(c.env, c.get("account"), MESSAGES_READ);
  const perMessage = await Promise.all(
    messages.map(async (message) =>
      (await messageEvents(c.env, message)).filter((event) => event.type === "webhook.attempt").map((event) => ({ message, event })),
    ),
  );
  return perMessage
    .flat()
    .sort((a, b) => b.event.created_at_ms - a.event.created_at_ms)
    .slice(0, 50);
}

export async function webhooksPage(c: Context<ConsoleEnv>, flash: string | null = null) {
  const account = c.get("account");
  const attempts = await latestAttempts(c);
  const overlap = account.previousWebhookSecretExpiresAt;
  return page(
    c,
    "Webhooks",
    html`<h1>Webhooks</h1>
${notice(flash)}
<section class="card"><h2>Signing secret</h2>
<p>Status callbacks are signed with this secret (Standard Webhooks). Verify every request with it before trusting it.</p>
<details><summary>Reveal the signing secret</summary><p class="row"><code id="signing-secret" class="secret">${account.webhookSecret}</code>
<button type="button" class="secondary" data-copy="signing-secret">Copy</button></p></details>
${overlap !== null && overlap > unixSeconds() ? html`<p class="muted">The previous secret also signs until ${time(overlap)}.</p>` : ""}
<form method="post" action="/console/webhooks/roll">${csrfField(c)}<button type="submit" class="secondary">Roll the secret</button>
<span class="muted">The old secret keeps signing beside the new one for 24 hours.</span></form>
</section>
<section class="card"><h2>Latest callback attempts</h2>
${
  attempts.length === 0
    ? html`<p class="muted">No status callback attempts yet.</p>`
    : html`<table><thead><tr><th scope="col">When</th><th scope="col">Message</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">HTTP</th><th scope="col" class="optional">Next retry</th></tr></thead><tbody>
${attempts.map(({ message, event }) => {
  const data = event.data as Record<string, unknown>;
  return html`<tr><td>${time(event.created_at)}</td><td><a class="mono" href="/console/messages/${message.id}">${message.id}</a></td><td>${String(data.event_type ?? "")}</td>
<td>${String(data.outcome ?? "")}</td><td>${data.http_status === null || data.http_status === undefined ? "—" : String(data.http_status)}</td><td class="optional">${typeof data.next_retry_at === "number" ? time(data.next_retry_at) : "—"}</td></tr>`;
})}</tbody></table>`
}
</section>`,
  );
}

export async function rollSecret(c: Context<ConsoleEnv>) {
  const updated = await rollSigningSecret(c.env, c.var.control, c.get("account"));
  c.set("account", updated);
  return webhooksPage(c, "Rolled: new callbacks are signed with the new secret and, for 24 hours, the old one.");
}
