// Message detail: the message object, its content as rendered for the
// provider, and its timeline from the event log (provider attempts with
// outcome and duration, status changes with their source, webhook attempts
// with HTTP status and next retry); resending abandoned callbacks.
import type { Context } from "hono";
import { html } from "hono/html";
import { idPattern } from "../../domain/ids.ts";
import { hidesContent, type Message, toMessageObject } from "../../domain/message.ts";
import { formatAmount } from "../../domain/price.ts";
import type { RenderedContent } from "../../domain/rendered.ts";
import { messageEvents, retryWebhooks } from "../../services/events.ts";
import { messageFiles, type ShownFile } from "../../services/media-reads.ts";
import { findAccountMessage } from "../../services/message-reads.ts";
import type { ConsoleEnv } from "../context.ts";
import { csrfField, notice, page, statusBadge, time } from "../layout.ts";

type TimelineEvent = Awaited<ReturnType<typeof messageEvents>>[number];
type Data = Record<string, unknown>;

const MESSAGE_ID = idPattern("msg");

/** The message of this account, or null (another account's message is as unknown as a missing one). */
async function ownMessage(c: Context<ConsoleEnv>): Promise<Message | null> {
  const id = c.req.param("id") ?? "";
  if (!MESSAGE_ID.test(id)) return null;
  return (await findAccountMessage(c.env, c.get("account"), id)) ?? null;
}

function rendered(content: RenderedContent | null) {
  if (!content) return html`<p class="muted">No rendered content.</p>`;
  if (content.channel === "email") {
    return html`<dl><dt>Subject</dt><dd>${content.subject}</dd>
${content.text === undefined ? "" : html`<dt>Text</dt><dd><pre>${content.text}</pre></dd>`}
${content.html === undefined ? "" : html`<dt>HTML (source)</dt><dd><pre>${content.html}</pre></dd>`}</dl>`;
  }
  if (content.channel === "whatsapp" && content.type === "template") {
    return html`<p>WhatsApp template <code>${content.name}</code> (${content.language}), parameters:</p><ol>${content.bodyParams.map((p) => html`<li>${p}</li>`)}</ol>`;
  }
  if (content.channel === "whatsapp" && content.type === "media") {
    return html`<p>WhatsApp ${content.mediaType} <code>${content.media.filename}</code> (${content.media.content_type}, ${content.media.size} bytes)</p><pre>${content.caption ?? ""}</pre>`;
  }
  if (content.channel === "sms" && content.media?.length) {
    // The text as counted; the links (fresh at each hand-off, signed) or the MMS's files are added by the delivery.
    const how = content.linkOrigin
      ? html`Sent as SMS, each file as a link on <code>${content.linkOrigin}</code> after the text (<code>mms_fallback: "link"</code>): ${content.media.length} link(s).`
      : html`Sent as MMS with ${content.media.length} file(s).`;
    return html`<p>${how}</p><pre>${content.text}</pre>`;
  }
  return html`<pre>${content.text}</pre>`;
}

const ms = (value: unknown) => (typeof value === "number" ? `${value} ms` : "");
const field = (data: Data, name: string) => (data[name] === undefined || data[name] === null ? "" : String(data[name]));

/** One line of the timeline, by event type. */
function describe(event: TimelineEvent) {
  const data = event.data as Data;
  switch (event.type) {
    case "message.created":
      return html`<strong>Created</strong> through the ${field(data, "source")}, queued`;
    case "provider.attempt":
      return html`<strong>Provider attempt ${field(data, "attempt")}</strong> to ${field(data, "provider")}: ${field(data, "outcome")} in ${ms(data.duration_ms)}
${data.http_status ? html` · HTTP ${field(data, "http_status")}` : ""}${data.code ? html` · <code>${field(data, "code")}</code> ${field(data, "message")}` : ""}`;
    case "status.changed": {
      const error = data.error as Data | undefined;
      return html`<strong>Status → ${field(data, "status")}</strong> from ${field(data, "source")}${error ? html` · <code>${field(error, "code")}</code> ${field(error, "message")}` : ""}`;
    }
    case "status.ignored":
      return html`Late report ignored: ${field(data, "status")} from ${field(data, "source")} (already ${field(data, "current_status")})`;
    case "webhook.attempt":
      return html`<strong>Webhook ${field(data, "event_type")}</strong>, attempt ${field(data, "attempt")}: ${field(data, "outcome")}
${data.http_status ? html` · HTTP ${field(data, "http_status")}` : ""}${data.duration_ms !== undefined ? html` · ${ms(data.duration_ms)}` : ""}
${data.next_retry_at ? html` · next retry ${time(data.next_retry_at as number)}` : ""}${data.error ? html` · ${field(data, "error")}` : ""}`;
    case "webhook.retry_requested":
      return html`<strong>Webhook resend</strong> requested from the ${field(data, "source")}: ${field(data, "events")} event(s) queued again`;
    default:
      return html`${event.type}`;
  }
}

/** The message's metadata, each key a link to the messages with the same value. */
const metadataList = (metadata: Record<string, string> | null) =>
  metadata
    ? html`<section class="card"><h2>Metadata</h2><dl>${Object.entries(metadata).map(
        ([key, value]) =>
          html`<dt>${key}</dt><dd><a href="/console/messages?${new URLSearchParams({ meta_key: key, meta_value: value }).toString()}">${value}</a></dd>`,
      )}</dl></section>`
    : "";

/** The message's attachments or media: name, type and size, an image as a thumbnail through its signed URL (an hour). */
const fileList = (files: ShownFile[]) =>
  files.length === 0
    ? ""
    : html`<section class="card"><h2>Files</h2><table><thead><tr><th></th><th>Name</th><th>Type</th><th>Size</th></tr></thead><tbody>${files.map(
        ({ ref, thumbnail }) =>
          html`<tr><td>${thumbnail ? html`<img class="thumbnail" src="${thumbnail}" alt="${ref.filename}" width="96">` : ""}</td><td>${ref.filename}</td><td><code>${ref.content_type}</code></td><td>${ref.size.toLocaleString("en-US")} bytes</td></tr>`,
      )}</tbody></table></section>`;

const priceText = (message: Message) =>
  message.price === null ? "no price" : `${formatAmount(message.price)} ${message.priceUnit ?? ""} (${message.priceStatus ?? ""})`;

const timestamp = (atMs: number) => `${new Date(atMs).toISOString().replace("T", " ").slice(0, 23)} UTC`;

export async function messageDetailPage(c: Context<ConsoleEnv>, flash: { text: string; error: boolean } | null = null) {
  const message = await ownMessage(c);
  if (!message)
    return page(
      c,
      "Not found",
      html`<h1>Message not found</h1><p>No such message in this account.</p><p><a href="/console/messages">All messages</a></p>`,
      404,
    );
  const [events, files] = await Promise.all([messageEvents(c.env, message), messageFiles(c.env, message)]);
  const abandoned = events.some((e) => e.type === "webhook.attempt" && (e.data as Data).outcome === "abandoned");
  return page(
    c,
    message.id,
    html`<h1>Message <span class="mono">${message.id}</span></h1>
${notice(flash?.text ?? null, flash?.error ? "error" : "info")}
<p>${statusBadge(message.id, message.status, true)} · ${message.channel} to ${message.to} from ${message.from} · created ${time(message.createdAt)} · ${priceText(message)}${
      message.batchId ? html` · batch <a class="mono" href="/console/batches/${message.batchId}">${message.batchId}</a>` : ""
    }</p>
${metadataList(message.metadata)}
${fileList(files)}
<div class="grid">
<section class="card"><h2>Content as sent</h2>${rendered(hidesContent(message) ? null : message.rendered)}</section>
<section class="card"><h2>Message object</h2><pre>${JSON.stringify(toMessageObject(message), null, 2)}</pre></section>
</div>
<section class="card"><h2>Timeline</h2>
<ol class="timeline">${events.map((event) => html`<li><span class="mono muted">${timestamp(event.created_at_ms)}</span> ${describe(event)}</li>`)}</ol>
${
  message.statusCallback
    ? html`<form method="post" action="/console/messages/${message.id}/webhook/retry">${csrfField(c)}
<button type="submit" ${abandoned ? "" : "disabled"}>Resend webhook</button> <span class="muted">${abandoned ? "Sends the abandoned callbacks again, with the same event ids." : "Only a callback that was abandoned can be resent."}</span></form>`
    : html`<p class="muted">This message has no status_callback.</p>`
}
</section>`,
  );
}

export async function resendWebhook(c: Context<ConsoleEnv>) {
  const message = await ownMessage(c);
  if (!message) return page(c, "Not found", html`<h1>Message not found</h1><p>No such message in this account.</p>`, 404);
  const result = await retryWebhooks(c.env, message, "console");
  return messageDetailPage(
    c,
    result.ok ? { text: `${result.value} webhook event(s) queued again.`, error: false } : { text: result.problem.message, error: true },
  );
}
