// Previews: what a message or a template would send, without sending it. The
// content as rendered for the provider, in the API's shape, with an SMS's
// encoding and segment count.
import { z } from "zod";
import type { Channel } from "./address.ts";
import { linkedText, placeholderLink } from "./media-link.ts";
import { channelSchema, type Message, variablesSchema } from "./message.ts";
import { formatAmount } from "./price.ts";
import type { RenderedContent } from "./rendered.ts";
import { fail, type Result, succeed } from "./result.ts";
import { type SmsSize, smsSize } from "./segments.ts";
import { renderTemplate, type Template } from "./template.ts";

type Rendered<C extends Channel> = Extract<RenderedContent, { channel: C }>;

// A media message previews as its caption: its file is the create's content[media].
const whatsappObject = (rendered: Rendered<"whatsapp">) =>
  rendered.type === "text"
    ? { text: rendered.text }
    : rendered.type === "media"
      ? { text: rendered.caption ?? "" }
      : { name: rendered.name, language: rendered.language, parameters: rendered.bodyParams };

const emailObject = (rendered: Rendered<"email">) => ({ subject: rendered.subject, text: rendered.text ?? null, html: rendered.html ?? null });

/** Rendered content as the API shows it: the text sent, or a WhatsApp template's name, language and parameter values. */
function toRenderedObject(rendered: RenderedContent) {
  switch (rendered.channel) {
    case "sms":
      // Files sent as links show as links of their real length, the token x's (it is signed at hand-off).
      return {
        text: rendered.linkOrigin
          ? linkedText(
              rendered.text,
              (rendered.media ?? []).map(() => placeholderLink(rendered.linkOrigin!)),
            )
          : rendered.text,
      };
    case "whatsapp":
      return whatsappObject(rendered);
    case "email":
      return emailObject(rendered);
  }
}

/** What a create would send, as POST /v1/messages/preview answers it. */
export function toMessagePreviewObject(
  prepared: Pick<Message, "channel" | "to" | "from" | "encoding" | "segments" | "price" | "priceUnit" | "priceStatus"> & { rendered: RenderedContent },
) {
  return {
    object: "message_preview" as const,
    channel: prepared.channel,
    to: prepared.to,
    from: prepared.from,
    content: toRenderedObject(prepared.rendered),
    encoding: prepared.encoding,
    segments: prepared.segments,
    // What the create would be estimated at: the card's price now.
    price: prepared.price === null ? null : formatAmount(prepared.price),
    price_unit: prepared.priceUnit,
    price_status: prepared.priceStatus,
  };
}

/** The body of POST /v1/templates/:id/preview. */
export const templatePreviewSchema = z.strictObject({
  variables: variablesSchema.meta({ description: "The values of the template's variables, as a create gives them in content[variables]." }),
  channel: channelSchema
    .optional()
    .meta({ description: "Preview only this channel's body; omitted, every body the template has (which then needs every variable they use)." }),
});

export type TemplatePreviewInput = z.output<typeof templatePreviewSchema>;

// The create names a variable content[variables][code]; this request has it at the top level.
const previewParam = (param: string) => (param === "content[template_id]" ? "id" : param.replace(/^content\[variables\]/, "variables"));

const CHANNELS = ["sms", "whatsapp", "email"] as const;

/** A template's bodies rendered: the SMS text with its size, the others as the API shows rendered content. */
export interface TemplatePreview {
  sms: ({ text: string } & SmsSize) | null;
  whatsapp: ReturnType<typeof whatsappObject> | null;
  email: ReturnType<typeof emailObject> | null;
}

/**
 * Each asked body of the template rendered as a create would render it (the
 * same rules and the same problems, named for this request's params); null
 * for a channel the template has no body for, or that was not asked.
 */
export function previewTemplate(template: Template, input: TemplatePreviewInput): Result<TemplatePreview> {
  if (input.channel !== undefined && !template[input.channel]) {
    return fail("channel", "parameter_invalid", `Template '${template.id}' has no ${input.channel} body.`);
  }
  const rendered: Partial<Record<Channel, RenderedContent>> = {};
  for (const channel of CHANNELS) {
    if (!template[channel] || (input.channel !== undefined && input.channel !== channel)) continue;
    const rendering = renderTemplate(template, channel, input.variables);
    if ("problem" in rendering) {
      const { param, code, message } = rendering.problem;
      return fail(previewParam(param), code, message.replaceAll("content[variables]", "variables"));
    }
    rendered[channel] = rendering.rendered;
  }
  const { sms, whatsapp, email } = rendered;
  return succeed({
    sms: sms?.channel === "sms" ? { text: sms.text, ...smsSize(sms.text) } : null,
    whatsapp: whatsapp?.channel === "whatsapp" ? whatsappObject(whatsapp) : null,
    email: email?.channel === "email" ? emailObject(email) : null,
  });
}
