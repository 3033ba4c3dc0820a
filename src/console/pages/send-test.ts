// Send a test message: a test-mode form that creates a message through the
// same service as POST /v1/messages and opens its detail page.
import type { Context } from "hono";
import { html } from "hono/html";
import { createMessageSchema } from "../../domain/message.ts";
import { createMessage } from "../../services/messages.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page } from "../layout.ts";

export function sendTestPage(c: Context<ConsoleEnv>, error: string | null = null, form: Record<string, string> = {}) {
  const account = c.get("account");
  if (account.mode !== "test") {
    return page(
      c,
      "Send a test",
      html`<h1>Send a test message</h1><p>This is a live account: send test messages from a test-mode account, where nothing reaches a real provider.</p>`,
    );
  }
  const value = (name: string) => form[name] ?? "";
  return page(
    c,
    "Send a test",
    html`<h1>Send a test message</h1>${notice(error, "error")}
<p class="muted">Test mode: the message goes through the queue and the sandbox provider, never to a real phone or inbox.</p>
<form class="card" method="post" action="/console/send">${csrfField(c)}
<div class="row">
<div><label for="m-channel">Channel</label><select id="m-channel" name="channel">${["sms", "whatsapp", "email"].map(
      (ch) => html`<option ${value("channel") === ch ? "selected" : ""}>${ch}</option>`,
    )}</select></div>
<div><label for="m-to">To</label><input id="m-to" name="to" required value="${value("to") || "+14155550123"}"></div>
<div><label for="m-subject">Subject (email)</label><input id="m-subject" name="subject" value="${value("subject")}"></div>
</div>
<label for="m-text">Text</label><textarea id="m-text" name="text" required>${value("text") || "Hello from the OmniFlow Console"}</textarea>
<p><button type="submit">Send test message</button></p>
</form>`,
    error ? 400 : 200,
  );
}

export async function sendTest(c: Context<ConsoleEnv>) {
  const account = c.get("account");
  const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  if (account.mode !== "test") return sendTestPage(c);
  const content = form.channel === "email" ? { subject: form.subject || "Test from the OmniFlow Console", text: form.text } : { text: form.text };
  const parsed = await createMessageSchema.safeParseAsync({ channel: form.channel, to: form.to, content });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return sendTestPage(c, `Invalid ${issue.path.join(".")}: ${issue.message}`, form);
  }
  const created = await createMessage(c.env, c.var.control, account, parsed.data);
  if (!created.ok) return sendTestPage(c, created.problem.message, form);
  return c.redirect(`/console/messages/${created.value.id}`, 303);
}
