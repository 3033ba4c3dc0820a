// API keys: list with name, prefix, mode, permission, created, last used and
// status; create (the secret shown once, with a copy button), roll with an
// overlap of up to 24 h, revoke at once. Every change goes through
// src/services/api-keys.ts, as the API's do.
import type { Context } from "hono";
import { html } from "hono/html";
import { createApiKeySchema, keyStatus, rollApiKeySchema } from "../../domain/api-key.ts";
import { unixSeconds } from "../../domain/ids.ts";
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from "../../services/api-keys.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page, time } from "../layout.ts";

const OVERLAPS: [number, string][] = [
  [0, "stop it now"],
  [3600, "1 hour"],
  [6 * 3600, "6 hours"],
  [24 * 3600, "24 hours"],
];

type Flash = { text: string; error?: boolean; secret?: { name: string; value: string } };

export async function apiKeysPage(c: Context<ConsoleEnv>, flash: Flash | null = null, status: 200 | 400 | 404 = 200) {
  const account = c.get("account");
  const keys = await listApiKeys(c.var.control, account, 100, null);
  const now = unixSeconds();
  const secret = flash?.secret;
  return page(
    c,
    "API keys",
    html`<h1>API keys</h1>
${notice(flash?.text ?? null, flash?.error ? "error" : "info")}
${
  secret
    ? html`<section class="card" aria-labelledby="new-secret"><h2 id="new-secret">Secret of “${secret.name}”</h2>
<p>Copy it now: it is shown this once and cannot be retrieved later.</p>
<p class="row"><code id="secret-value" class="secret">${secret.value}</code> <button type="button" class="secondary" data-copy="secret-value">Copy</button></p></section>`
    : ""
}
<section class="card"><h2>Create a key</h2>
<form method="post" action="/console/api-keys" class="row">${csrfField(c)}
  <div><label for="key-name">Name</label><input id="key-name" name="name" required maxlength="100" placeholder="Production backend"></div>
  <div><label for="key-permission">Permission</label><select id="key-permission" name="permission"><option value="full_access">full_access</option><option value="sending_access">sending_access (create messages only)</option></select></div>
  <button type="submit">Create key</button>
</form></section>
<section class="card"><h2>Keys</h2>
<table><thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col" class="optional">Mode</th><th scope="col">Permission</th><th scope="col" class="optional">Created</th><th scope="col" class="optional">Last used</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
<tbody>${keys.items.map((key) => {
      const state = keyStatus(key, now);
      const works = state === "active" || state === "expiring";
      return html`<tr data-key-id="${key.id}"><td>${key.name || html`<span class="muted">(unnamed)</span>`}</td><td><code>${key.prefix}…</code></td><td class="optional">${account.mode}</td><td>${key.permission}</td>
<td class="optional">${time(key.createdAt)}</td><td class="optional">${time(key.lastUsedAt)}</td>
<td>${state}${state === "expiring" ? html`<br><span class="muted">until ${time(key.expiresAt)}</span>` : ""}</td>
<td>${
        state === "active"
          ? html`<form class="inline" method="post" action="/console/api-keys/${key.id}/roll">${csrfField(c)}<label for="overlap-${key.id}">Old key keeps working</label>
<select id="overlap-${key.id}" name="expires_in">${OVERLAPS.map(([seconds, label]) => html`<option value="${seconds}">${label}</option>`)}</select> <button type="submit" class="secondary">Roll</button></form>`
          : ""
      }
${works ? html`<form class="inline" method="post" action="/console/api-keys/${key.id}/revoke">${csrfField(c)}<button type="submit" class="danger">Revoke</button></form>` : ""}</td></tr>`;
    })}</tbody></table></section>`,
    status,
  );
}

export async function createKey(c: Context<ConsoleEnv>) {
  const form = await c.req.parseBody();
  const parsed = createApiKeySchema.safeParse({ name: form.name, permission: form.permission });
  if (!parsed.success) return apiKeysPage(c, { text: `Invalid name or permission: ${parsed.error.issues[0]?.message}`, error: true }, 400);
  const { key, secret } = await createApiKey(c.var.control, c.get("account"), parsed.data);
  return apiKeysPage(c, { text: `Created ${key.prefix}….`, secret: { name: key.name, value: secret } });
}

export async function rollKey(c: Context<ConsoleEnv>) {
  const parsed = rollApiKeySchema.safeParse({ expires_in: (await c.req.parseBody()).expires_in });
  if (!parsed.success) return apiKeysPage(c, { text: "Choose how long the old key keeps working.", error: true }, 400);
  const rolled = await rollApiKey(c.var.control, c.get("account"), c.req.param("id") ?? "", parsed.data);
  if (!rolled.ok) return apiKeysPage(c, { text: rolled.problem.message, error: true }, rolled.problem.code === "resource_missing" ? 404 : 400);
  const { key, secret } = rolled.value;
  return apiKeysPage(c, { text: `Rolled: ${key.prefix}… replaces the old key.`, secret: { name: key.name, value: secret } });
}

export async function revokeKey(c: Context<ConsoleEnv>) {
  const revoked = await revokeApiKey(c.var.control, c.get("account"), c.req.param("id") ?? "");
  if (!revoked.ok) return apiKeysPage(c, { text: revoked.problem.message, error: true }, 404);
  return apiKeysPage(c, { text: `Revoked ${revoked.value.prefix}…: it stopped working.` });
}
