// Templates: list, create, edit, delete, with the API's own validation and
// messages; the editor previews the text each channel would send for the
// variables given.
import type { Context } from "hono";
import { html } from "hono/html";
import type { z } from "zod";
import { HEADER_FORMATS } from "../../domain/media.ts";
import { TEMPLATE_ID } from "../../domain/message.ts";
import { TEMPLATE_CATEGORIES } from "../../domain/price.ts";
import { createTemplateSchema, renderTemplate, type Template } from "../../domain/template.ts";
import { createTemplate, editTemplate, findAccountTemplate, listAccountTemplates, removeTemplate } from "../../services/templates.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page } from "../layout.ts";

type Form = Record<string, string>;

/** The API's error message for a zod failure, as the API words it (param in bracket notation). */
function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const [head, ...rest] = [...issue.path, ...keys.slice(0, 1)].map(String);
  const param = head === undefined ? "" : head + rest.map((part) => `[${part}]`).join("");
  return param ? `Invalid ${param}: ${issue.message}` : issue.message;
}

/** The API's template body from the editor's fields; an emptied channel is left out. */
function bodyOf(form: Form) {
  const params = (form.wa_params ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    id: form.id ?? "",
    ...(form.sms_text ? { sms: { text: form.sms_text } } : {}),
    ...(form.wa_name || form.wa_language
      ? {
          whatsapp: {
            name: form.wa_name ?? "",
            language: form.wa_language ?? "",
            body_params: params,
            // "" is the editor's "not declared": priced as marketing.
            ...(form.wa_category ? { category: form.wa_category } : {}),
            // "" is "no media header" (a text header, or none).
            ...(form.wa_header ? { header: { format: form.wa_header } } : {}),
          },
        }
      : {}),
    ...(form.email_subject || form.email_text || form.email_html
      ? {
          email: {
            subject: form.email_subject ?? "",
            ...(form.email_text ? { text: form.email_text } : {}),
            ...(form.email_html ? { html: form.email_html } : {}),
          },
        }
      : {}),
  };
}

function formOf(template: Template): Form {
  return {
    id: template.id,
    sms_text: template.sms?.text ?? "",
    wa_name: template.whatsapp?.name ?? "",
    wa_language: template.whatsapp?.language ?? "",
    wa_params: template.whatsapp?.body_params.join(", ") ?? "",
    wa_category: template.whatsapp?.category ?? "",
    wa_header: template.whatsapp?.header?.format ?? "",
    email_subject: template.email?.subject ?? "",
    email_text: template.email?.text ?? "",
    email_html: template.email?.html ?? "",
    variables: "",
  };
}

/** "name=value" per line. */
function variablesOf(text: string): Record<string, string> {
  const pairs = text
    .split(/\r?\n/)
    .map((line) => line.split("="))
    .filter(([name]) => name?.trim());
  return Object.fromEntries(pairs.map(([name, ...value]) => [name!.trim(), value.join("=").trim()]));
}

function preview(form: Form) {
  const parsed = createTemplateSchema.safeParse(bodyOf(form));
  if (!parsed.success) return html`<p class="notice error" role="alert">${problemOf(parsed.error)}</p>`;
  const template: Template = { accountId: "", createdAt: 0, updatedAt: 0, sms: null, whatsapp: null, email: null, contentRetention: "retain", ...parsed.data };
  const variables = variablesOf(form.variables ?? "");
  return (["sms", "whatsapp", "email"] as const)
    .filter((channel) => template[channel])
    .map((channel) => {
      const result = renderTemplate(template, channel, variables);
      if ("problem" in result) return html`<h3>${channel}</h3><p class="notice error" role="alert">${result.problem.message} (${result.problem.param})</p>`;
      const r = result.rendered;
      const text =
        r.channel === "email"
          ? `Subject: ${r.subject}\n\n${r.text ?? ""}${r.html ? `\n\n--- HTML ---\n${r.html}` : ""}`
          : r.channel === "whatsapp" && r.type === "template"
            ? `Template ${r.name} (${r.language}) with parameters: ${r.bodyParams.join(" | ")}`
            : "text" in r
              ? r.text
              : "";
      return html`<h3>${channel}</h3><pre data-preview="${channel}">${text}</pre>`;
    });
}

const field = (form: Form, name: string, label: string, multiline = false) =>
  html`<div><label for="t-${name}">${label}</label>${
    multiline
      ? html`<textarea id="t-${name}" name="${name}">${form[name] ?? ""}</textarea>`
      : html`<input id="t-${name}" name="${name}" value="${form[name] ?? ""}" size="40">`
  }</div>`;

/** The category Meta approved the WhatsApp template under, which prices its messages. */
const categoryField = (form: Form) =>
  html`<div><label for="t-wa_category">Category (as Meta approved it)</label><select id="t-wa_category" name="wa_category">
<option value=""${form.wa_category ? "" : " selected"}>Not declared (priced as marketing)</option>
${TEMPLATE_CATEGORIES.map((category) => html`<option value="${category}"${form.wa_category === category ? " selected" : ""}>${category}</option>`)}
</select></div>`;

/** The approved template's media header: each message sent with it then gives that file (content[media]). */
const headerField = (form: Form) =>
  html`<div><label for="t-wa_header">Media header (as approved)</label><select id="t-wa_header" name="wa_header">
<option value=""${form.wa_header ? "" : " selected"}>None (or a text header)</option>
${HEADER_FORMATS.map((format) => html`<option value="${format}"${form.wa_header === format ? " selected" : ""}>${format}</option>`)}
</select></div>`;

function editor(c: Context<ConsoleEnv>, form: Form, existing: boolean, showPreview: boolean) {
  return html`<form class="card" method="post" action="${existing ? `/console/templates/${form.id}` : "/console/templates"}">${csrfField(c)}
${existing ? html`<input type="hidden" name="id" value="${form.id}"><p>Id: <code>${form.id}</code></p>` : field(form, "id", "Id (a-z, 0-9, _)")}
<h2>SMS</h2>${field(form, "sms_text", "Text, with {{variables}}", true)}
<h2>WhatsApp</h2><div class="row">${field(form, "wa_name", "Approved template name")}${field(form, "wa_language", "Language (en_US)")}${field(form, "wa_params", "Body parameters, in order (comma-separated)")}${categoryField(form)}${headerField(form)}</div>
<h2>Email</h2>${field(form, "email_subject", "Subject")}${field(form, "email_text", "Text", true)}${field(form, "email_html", "HTML", true)}
<h2>Preview</h2>${field(form, "variables", "Variables, one name=value per line", true)}
<p class="row"><button type="submit" name="action" value="preview" class="secondary">Preview</button><button type="submit" name="action" value="save">Save template</button></p>
${showPreview ? html`<section aria-live="polite">${preview(form)}</section>` : ""}
</form>`;
}

export async function templatesPage(c: Context<ConsoleEnv>, flash: string | null = null) {
  const list = await listAccountTemplates(c.var.control, c.get("account"), 100, null);
  return page(
    c,
    "Templates",
    html`<h1>Templates</h1>${notice(flash)}
<section class="card"><table><thead><tr><th scope="col">Id</th><th scope="col">Channels</th><th scope="col">Actions</th></tr></thead><tbody>
${list.items.map(
  (t) => html`<tr><td><a href="/console/templates/${t.id}">${t.id}</a></td><td>${(["sms", "whatsapp", "email"] as const).filter((ch) => t[ch]).join(", ")}</td>
<td><form class="inline" method="post" action="/console/templates/${t.id}/delete">${csrfField(c)}<button type="submit" class="danger">Delete</button></form></td></tr>`,
)}</tbody></table>${list.items.length === 0 ? html`<p class="muted">No templates yet.</p>` : ""}</section>
<h2>New template</h2>${editor(c, {}, false, false)}`,
  );
}

export async function templateEditPage(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const found = TEMPLATE_ID.test(id) ? await findAccountTemplate(c.var.control, c.get("account"), id) : null;
  if (!found?.ok) return page(c, "Not found", html`<h1>Template not found</h1><p><a href="/console/templates">All templates</a></p>`, 404);
  return page(c, `Template ${id}`, html`<h1>Template <code>${id}</code></h1>${editor(c, formOf(found.value), true, false)}`);
}

/** Create (no id in the path) or update; "Preview" only renders. */
export async function saveTemplateForm(c: Context<ConsoleEnv>) {
  const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v : ""])) as Form;
  const pathId = c.req.param("id");
  if (pathId !== undefined) form.id = pathId;
  const title = pathId ? `Template ${pathId}` : "New template";
  const again = (message: string | null, status: 200 | 400 | 404 | 409 = 400) =>
    page(c, title, html`<h1>${title}</h1>${notice(message, "error")}${editor(c, form, pathId !== undefined, form.action === "preview")}`, status);
  if (form.action === "preview") return again(null, 200);
  const parsed = createTemplateSchema.safeParse(bodyOf(form));
  if (!parsed.success) return again(problemOf(parsed.error));
  const account = c.get("account");
  const { sms = null, whatsapp = null, email = null } = parsed.data;
  const saved =
    pathId === undefined
      ? await createTemplate(c.var.control, account, parsed.data)
      : // The editor shows every body: one left empty is removed.
        await editTemplate(c.var.control, account, pathId, { sms, whatsapp, email });
  if (!saved.ok) {
    const { code, message } = saved.problem;
    if (code === "resource_already_exists") return again(message, 409);
    return code === "resource_missing" ? again("No such template in this account.", 404) : again(message);
  }
  return templatesPage(c, `Saved template ${parsed.data.id}.`);
}

export async function deleteTemplateForm(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  const deleted = TEMPLATE_ID.test(id) && (await removeTemplate(c.var.control, c.get("account"), id)).ok;
  return templatesPage(c, deleted ? `Deleted template ${id}.` : "No such template in this account.");
}
