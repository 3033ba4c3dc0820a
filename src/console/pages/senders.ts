// Senders: list, add (the API's rules: address per channel, WhatsApp's
// phone_number_id, email display name), delete.
import type { Context } from "hono";
import { html } from "hono/html";
import { idPattern } from "../../domain/ids.ts";
import { createSenderSchema } from "../../domain/sender.ts";
import { listAccountSenders, removeSender } from "../../services/sender-pool.ts";
import { createSender } from "../../services/senders.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page } from "../layout.ts";

const SENDER_ID = idPattern("snd");

export async function sendersPage(c: Context<ConsoleEnv>, flash: { text: string; error?: boolean } | null = null, status: 200 | 400 | 409 = 200) {
  const list = await listAccountSenders(c.var.control, c.get("account"), 100, null);
  return page(
    c,
    "Senders",
    html`<h1>Senders</h1>${notice(flash?.text ?? null, flash?.error ? "error" : "info")}
<section class="card"><table><thead><tr><th scope="col">Channel</th><th scope="col">Address</th><th scope="col" class="optional">Name / number id</th><th scope="col">Default pool</th><th scope="col">Actions</th></tr></thead><tbody>
${list.items.map(
  (s) => html`<tr><td>${s.channel}</td><td>${s.address}</td><td class="optional">${s.name ?? s.phoneNumberId ?? ""}</td><td>${s.isDefault ? "yes" : "no"}</td>
<td><form class="inline" method="post" action="/console/senders/${s.id}/delete">${csrfField(c)}<button type="submit" class="danger">Delete</button></form></td></tr>`,
)}</tbody></table>${list.items.length === 0 ? html`<p class="muted">No senders yet.</p>` : ""}</section>
<section class="card"><h2>Add a sender</h2>
<form method="post" action="/console/senders" class="row">${csrfField(c)}
<div><label for="s-channel">Channel</label><select id="s-channel" name="channel"><option>sms</option><option>whatsapp</option><option>email</option></select></div>
<div><label for="s-address">Address</label><input id="s-address" name="address" required placeholder="+14155550100 or name@example.com"></div>
<div><label for="s-name">Email display name</label><input id="s-name" name="name"></div>
<div><label for="s-pnid">WhatsApp phone number id</label><input id="s-pnid" name="phone_number_id" inputmode="numeric"></div>
<div><label for="s-default">Default pool</label><select id="s-default" name="default"><option value="true">yes</option><option value="false">no</option></select></div>
<button type="submit">Add sender</button>
</form></section>`,
    status,
  );
}

export async function addSenderForm(c: Context<ConsoleEnv>) {
  const form = await c.req.parseBody();
  const body = Object.fromEntries(Object.entries(form).filter(([name, value]) => name !== "_csrf" && typeof value === "string" && value !== ""));
  const parsed = createSenderSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return sendersPage(c, { text: `Invalid ${issue.path.join(".")}: ${issue.message}`, error: true }, 400);
  }
  const result = await createSender(c.env, c.var.control, c.get("account"), parsed.data);
  if (!result.ok) {
    const conflict = result.problem.code === "resource_already_exists" || result.problem.code === "sender_unavailable";
    return sendersPage(c, { text: result.problem.message, error: true }, conflict ? 409 : 400);
  }
  const row = result.value;
  return sendersPage(c, { text: `Added ${row.address} (${row.channel}).` });
}

export async function deleteSenderForm(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const deleted = SENDER_ID.test(id) && (await removeSender(c.var.control, c.get("account"), id)).ok;
  return sendersPage(c, deleted ? { text: "Sender deleted." } : { text: "No such sender in this account.", error: true });
}
