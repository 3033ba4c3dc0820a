// What a provider adapter sends: the message content resolved for its channel.
// Direct content maps one to one; template content is rendered from the
// account's template when the message is created, and stored, so later
// template edits never change a message's history.
import type { Channel } from "./address.ts";
import type { MessageContent } from "./message.ts";

export type RenderedContent =
  | { channel: "sms"; text: string }
  | { channel: "whatsapp"; type: "text"; text: string }
  // WhatsApp templates are approved by Meta: we send the template's name and
  // language and map variables onto its body parameters, in order.
  | { channel: "whatsapp"; type: "template"; name: string; language: string; bodyParams: string[] }
  | { channel: "email"; subject: string; text?: string; html?: string };

/** Rendering of direct (non-template) content; null for template content. */
export function renderDirect(channel: Channel, content: MessageContent): RenderedContent | null {
  if ("template_id" in content) return null;
  // createMessageSchema has already checked the content's shape for its channel.
  if (channel === "email") {
    const { subject, text, html } = content as { subject: string; text?: string; html?: string };
    return { channel, subject, text, html };
  }
  const { text } = content as { text: string };
  return channel === "sms" ? { channel, text } : { channel, type: "text", text };
}
