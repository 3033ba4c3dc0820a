// Webhook endpoints in the Console: the list and a create form, and a page per
// endpoint with its events (chosen from the catalogue), enable/disable, the
// secret's reveal and roll, a test event, and its delivery log with a retry
// per attempt. Every change goes through the same services as the API.
import type { Context } from "hono";
import { html } from "hono/html";
import { SUBSCRIBABLE_EVENT_TYPES } from "../../domain/event-types.ts";
import { createEndpointSchema, updateEndpointSchema, type WebhookEndpoint } from "../../domain/webhook-endpoint.ts";
import { listEndpointDeliveries, retryDelivery, testEndpoint } from "../../services/webhook-deliveries.ts";
import { createEndpoint, editEndpoint, findAccountEndpoint, listAccountEndpoints, rollEndpointSecret } from "../../services/webhook-endpoints.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page, time } from "../layout.ts";

const BASE = "/console/webhook-endpoints";

/** The event types ticked in a form (one checkbox each, named "events"). */
async function formFields(c: Context<ConsoleEnv>) {
  const form = await c.req.parseBody({ all: true });
  const events = ([] as unknown[]).concat(form.events ?? []).filter((value): value is string => typeof value === "string");
  const text = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  return { events, text };
}

const eventBoxes = (chosen: string[]) =>
  html`<fieldset><legend>Events</legend>
<label><input type="checkbox" name="events" value="*" ${chosen.includes("*") ? "checked" : ""}> every event (*)</label>
${SUBSCRIBABLE_EVENT_TYPES.map((type) => html`<label><input type="checkbox" name="events" value="${type}" ${chosen.includes(type) ? "checked" : ""}> ${type}</label>`)}
</fieldset>`;

const statusOf = (endpoint: WebhookEndpoint) => (endpoint.disabled ? `disabled (${endpoint.disabledReason ?? "manual"})` : "enabled");

export async function endpointsPage(c: Context<ConsoleEnv>, flash: string | null = null, error: string | null = null) {
  const { items } = await listAccountEndpoints(c.var.control, c.get("account"), 20, null);
  return page(
    c,
    "Webhook endpoints",
    html`<h1>Webhook endpoints</h1>
${notice(flash)}${notice(error, "error")}
<section class="card"><h2>Endpoints</h2>
${
  items.length === 0
    ? html`<p class="muted">No endpoints yet.</p>`
    : html`<table><thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Status</th></tr></thead><tbody>
${items.map((endpoint) => html`<tr><td><a href="${BASE}/${endpoint.id}">${endpoint.url}</a></td><td>${endpoint.enabledEvents.join(", ")}</td><td>${statusOf(endpoint)}</td></tr>`)}
</tbody></table>`
}
</section>
<section class="card"><h2>Add an endpoint</h2>
<form method="post" action="${BASE}">${csrfField(c)}
<label>URL <input name="url" type="url" required></label>
<label>Description <input name="description"></label>
${eventBoxes([])}
<button type="submit">Add the endpoint</button></form>
</section>`,
    error ? 400 : 200,
  );
}

export async function addEndpoint(c: Context<ConsoleEnv>) {
  const { events, text } = await formFields(c);
  const input = createEndpointSchema.safeParse({ url: text("url"), enabled_events: events, description: text("description") });
  if (!input.success)
    return endpointsPage(c, null, `Not added: ${input.error.issues[0]?.message ?? "check the form"} (${input.error.issues[0]?.path.join(".")}).`);
  const created = await createEndpoint(c.var.control, c.get("account"), input.data);
  if (!created.ok) return endpointsPage(c, null, `Not added: ${created.problem.message}`);
  return endpointPage(c, created.value.id, `Added. Its signing secret is under "Reveal the signing secret".`);
}

export async function endpointPage(c: Context<ConsoleEnv>, id = c.req.param("id") ?? "", flash: string | null = null, error: string | null = null) {
  const account = c.get("account");
  const found = await findAccountEndpoint(c.var.control, account, id);
  if (!found.ok) return page(c, "Not found", html`<h1>Not found</h1><p>No such webhook endpoint.</p>`, 404);
  const endpoint = found.value;
  const log = await listEndpointDeliveries(c.var.control, account, id, { limit: 50, cursor: null });
  const rows = log.ok ? log.value.items : [];
  const action = `${BASE}/${endpoint.id}`;
  return page(
    c,
    "Webhook endpoint",
    html`<h1>Webhook endpoint</h1>
${notice(flash)}${notice(error, "error")}
<section class="card"><h2 class="mono">${endpoint.url}</h2>
<p>Status: <strong>${statusOf(endpoint)}</strong>${endpoint.description ? html` · ${endpoint.description}` : ""}</p>
<form method="post" action="${action}">${csrfField(c)}
${eventBoxes(endpoint.enabledEvents)}
<label><input type="checkbox" name="disabled" value="true" ${endpoint.disabled ? "checked" : ""}> disabled (enabling it again re-sends nothing old)</label>
<button type="submit">Save</button></form>
</section>
<section class="card"><h2>Signing secret</h2>
<details><summary>Reveal the signing secret</summary><p class="row"><code id="endpoint-secret" class="secret">${endpoint.secret}</code>
<button type="button" class="secondary" data-copy="endpoint-secret">Copy</button></p></details>
<form method="post" action="${action}/roll">${csrfField(c)}<button type="submit" class="secondary">Roll the secret</button>
<span class="muted">The old secret keeps signing beside the new one for 24 hours.</span></form>
<form method="post" action="${action}/test">${csrfField(c)}<button type="submit" class="secondary">Send a test event</button></form>
</section>
<section class="card"><h2>Deliveries</h2>
${
  rows.length === 0
    ? html`<p class="muted">No deliveries yet.</p>`
    : html`<table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Message</th><th scope="col">Attempt</th><th scope="col">HTTP</th><th scope="col">Outcome</th><th scope="col" class="optional">Next retry</th><th scope="col"></th></tr></thead><tbody>
${rows.map(
  (
    row,
  ) => html`<tr><td>${time(row.createdAt)}</td><td>${row.eventType}</td><td>${row.messageId ? html`<a class="mono" href="/console/messages/${row.messageId}">${row.messageId}</a>` : "—"}</td>
<td>${row.attempt}</td><td>${row.statusCode ?? "—"}</td><td>${row.outcome}${row.error ? html` <span class="muted">${row.error}</span>` : ""}</td><td class="optional">${time(row.nextRetryAt)}</td>
<td>${row.eventType === "endpoint.test" ? "" : html`<form method="post" action="${action}/deliveries/${row.id}/retry">${csrfField(c)}<button type="submit" class="secondary">Retry</button></form>`}</td></tr>`,
)}</tbody></table>`
}
</section>`,
    error ? 400 : 200,
  );
}

export async function saveEndpoint(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const { events, text } = await formFields(c);
  const input = updateEndpointSchema.safeParse({ enabled_events: events, disabled: text("disabled") === "true" });
  if (!input.success) return endpointPage(c, id, null, "Not saved: choose at least one event.");
  const saved = await editEndpoint(c.var.control, c.get("account"), id, input.data);
  return saved.ok ? endpointPage(c, id, "Saved.") : endpointPage(c, id, null, `Not saved: ${saved.problem.message}`);
}

export async function rollEndpoint(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const rolled = await rollEndpointSecret(c.var.control, c.get("account"), id);
  return rolled.ok ? endpointPage(c, id, "Rolled: events are signed with the new secret and, for 24 hours, the old one.") : endpointPage(c, id);
}

export async function testEndpointForm(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const tested = await testEndpoint(c.var.control, c.get("account"), id);
  if (!tested.ok) return endpointPage(c, id, null, `Not sent: ${tested.problem.message}`);
  const { statusCode, delivered, error } = tested.value;
  return endpointPage(c, id, delivered ? `The endpoint answered ${statusCode}.` : null, delivered ? null : `The test event failed: ${error ?? "no answer"}.`);
}

export async function retryDeliveryForm(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const retried = await retryDelivery(c.env, c.var.control, c.get("account"), id, c.req.param("delivery") ?? "");
  return retried.ok ? endpointPage(c, id, "Queued again with the same webhook-id.") : endpointPage(c, id, null, retried.problem.message);
}
