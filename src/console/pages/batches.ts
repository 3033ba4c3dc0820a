// Batches: the account's latest, and one batch with how many of its messages
// are in each status and a link to them (the messages page's batch filter).
import type { Context } from "hono";
import { html } from "hono/html";
import { idPattern } from "../../domain/ids.ts";
import { findAccountBatch, latestBatches } from "../../services/batch-reads.ts";
import type { ConsoleEnv } from "../context.ts";
import { page, time } from "../layout.ts";

const BATCH_ID = idPattern("bat");
const LISTED = 50;

export async function batchesPage(c: Context<ConsoleEnv>) {
  const batches = await latestBatches(c.var.control, c.get("account"), LISTED);
  return page(
    c,
    "Batches",
    html`<h1>Batches</h1>
<div class="card">
<table>
<thead><tr><th scope="col">Id</th><th scope="col">Validation</th><th scope="col">Metadata</th><th scope="col">Created</th></tr></thead>
<tbody>${batches.map(
      (batch) =>
        html`<tr><td><a class="mono" href="/console/batches/${batch.id}">${batch.id}</a></td><td>${batch.validation}</td><td class="mono">${JSON.stringify(batch.metadata ?? {})}</td><td>${time(batch.createdAt)}</td></tr>`,
    )}</tbody>
</table>
${batches.length === 0 ? html`<p class="muted">No batches yet (POST /v1/messages/batch).</p>` : ""}
</div>`,
  );
}

export async function batchPage(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const batch = BATCH_ID.test(id) ? await findAccountBatch(c.env, c.var.control, c.get("account"), id) : undefined;
  if (!batch)
    return page(c, "Not found", html`<h1>Batch not found</h1><p>No such batch in this account.</p><p><a href="/console/batches">All batches</a></p>`, 404);
  const counts = Object.entries(batch.counts).filter(([, count]) => count > 0);
  return page(
    c,
    batch.id,
    html`<h1>Batch <span class="mono">${batch.id}</span></h1>
<p>${batch.total} messages · ${batch.validation} · created ${time(batch.createdAt)} · <a href="/console/messages?batch=${batch.id}">its messages</a></p>
<section class="card"><h2>Messages by status</h2><dl>${counts.map(([status, count]) => html`<dt>${status}</dt><dd>${count}</dd>`)}</dl></section>
<section class="card"><h2>Metadata</h2><pre>${JSON.stringify(batch.metadata ?? {}, null, 2)}</pre></section>`,
  );
}
