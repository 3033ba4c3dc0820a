// Templates: one body per channel, with {{variable}} placeholders in text, and
// their rendering into a message's RenderedContent when the message is created.
import { z } from "zod";
import type { Channel } from "./address.ts";
import { HEADER_SAFE_RULE, isHeaderSafe } from "./header-safe.ts";
import { htmlContexts, urlAttributeProblem } from "./html-context.ts";
import { HEADER_FORMATS } from "./media.ts";
import { emailSchema, LIMITS, templateId, VARIABLE_NAME, variableName } from "./message.ts";
import { TEMPLATE_CATEGORIES } from "./price.ts";
import type { RenderedContent } from "./rendered.ts";
import { type ContentRetention, contentRetentionSchema } from "./retention.ts";

const PLACEHOLDER = new RegExp(String.raw`\{\{\s*(${VARIABLE_NAME})\s*\}\}`, "g");

// Only "{{" is checked: a lone "}}" is common in the CSS of HTML emails.
const templateText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine(
      (text) => !text.replace(PLACEHOLDER, "").includes("{{"),
      'has a "{{" that does not open a {{variable}} placeholder (names are 1-64 letters, digits or underscores)',
    );

const smsBodySchema = z.strictObject({ text: templateText(LIMITS.smsText) });
// A placeholder where HTML escaping cannot protect it is refused when the
// template is saved; see html-context.ts.
const emailBodySchema = emailSchema(templateText).superRefine((email, ctx) => {
  const problem = email.html === undefined ? null : htmlContexts(email.html).problem;
  if (problem) ctx.addIssue({ code: "custom", path: ["html"], message: problem });
});
const CATEGORY_RULE = `must be one of ${TEMPLATE_CATEGORIES.join(", ")}: the category Meta approved the template under`;

// WhatsApp templates are written and approved in Meta's WhatsApp Manager; the
// body names the approved template and maps variables onto its {{1}}, {{2}}...
const whatsappBodySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, "must be the approved template's name: lower-case letters, digits or underscores"),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, "must be a WhatsApp language code such as en or en_US"),
  body_params: z.array(variableName).max(LIMITS.variables).default([]),
  // As approved: a header that is an image, video or document takes a file at every send (content[media]).
  // A text header needs nothing here (one with a {{1}} of its own is not supported).
  header: z
    .strictObject({
      // Meta writes them upper-case (IMAGE); either is taken, and kept lower-case.
      format: z
        .string()
        .transform((format) => format.toLowerCase())
        .pipe(z.enum(HEADER_FORMATS, { error: `must be one of ${HEADER_FORMATS.join(", ")}` })),
    })
    .optional()
    .meta({ description: "The approved template's media header, when it has one: each message sent with it gives that file as content[media]" }),
  // The category Meta approved it under, which prices it (src/domain/price-message.ts); without it, marketing.
  category: z
    .string({ error: CATEGORY_RULE })
    .transform((category) => category.toLowerCase())
    .pipe(z.enum(TEMPLATE_CATEGORIES, { error: CATEGORY_RULE }))
    .optional()
    .meta({
      description:
        "The category Meta approved the template under: marketing, utility or authentication (Meta's upper-case is taken too). Messages sent with the template are priced by it; without it, as marketing",
    }),
});

export type SmsBody = z.output<typeof smsBodySchema>;
export type EmailBody = z.output<typeof emailBodySchema>;
export type WhatsappBody = z.output<typeof whatsappBodySchema>;
export type TemplateBodies = { sms: SmsBody | null; whatsapp: WhatsappBody | null; email: EmailBody | null };

/** A template as stored: its id is the account's own choice (e.g. "auth_otp"). */
export interface Template extends TemplateBodies {
  accountId: string;
  id: string;
  /** Of the messages sent with it that do not say their own. */
  contentRetention: ContentRetention;
  createdAt: number;
  updatedAt: number;
}

/** Why these bodies cannot make a template, or null. */
export function bodiesProblem(bodies: TemplateBodies): string | null {
  if (!bodies.sms && !bodies.whatsapp && !bodies.email) return "A template needs at least one body: sms, whatsapp or email.";
  const count = templateVariables(bodies).length;
  if (count > LIMITS.variables) return `A template may use at most ${LIMITS.variables} variables; these bodies use ${count}.`;
  return null;
}

const refineBodies = (bodies: Partial<TemplateBodies>, ctx: z.RefinementCtx) => {
  const problem = bodiesProblem({ sms: bodies.sms ?? null, whatsapp: bodies.whatsapp ?? null, email: bodies.email ?? null });
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** The body of POST /v1/templates. */
export const createTemplateSchema = z
  .strictObject({
    id: templateId,
    sms: smsBodySchema.optional(),
    whatsapp: whatsappBodySchema.optional(),
    email: emailBodySchema.optional(),
    content_retention: contentRetentionSchema.optional(),
  })
  .superRefine(refineBodies);
export type CreateTemplateInput = z.output<typeof createTemplateSchema>;

// A body given on update replaces that channel's body; null (or "" in a form
// body, which cannot say null) removes it.
const replaceable = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === "" ? null : v), schema.nullable()).optional();

/** The body of POST /v1/templates/:id; the result is checked with bodiesProblem once merged. */
export const updateTemplateSchema = z.strictObject({
  sms: replaceable(smsBodySchema),
  whatsapp: replaceable(whatsappBodySchema),
  email: replaceable(emailBodySchema),
  content_retention: contentRetentionSchema.optional(),
});

function channelTexts(bodies: TemplateBodies, channel: Channel): string[] {
  if (channel === "sms") return bodies.sms ? [bodies.sms.text] : [];
  if (channel === "email") return bodies.email ? [bodies.email.subject, bodies.email.text ?? "", bodies.email.html ?? ""] : [];
  return [];
}

/** The variables one channel's body uses, in order of first use. */
function channelVariables(bodies: TemplateBodies, channel: Channel): string[] {
  const used = channel === "whatsapp" ? (bodies.whatsapp?.body_params ?? []) : channelTexts(bodies, channel).flatMap(placeholders);
  return [...new Set(used)];
}

function placeholders(text: string): string[] {
  return Array.from(text.matchAll(PLACEHOLDER), (match) => match[1]!);
}

/** The template's declared variables: every variable any of its bodies uses. */
function templateVariables(bodies: TemplateBodies): string[] {
  return [...new Set((["sms", "whatsapp", "email"] as const).flatMap((channel) => channelVariables(bodies, channel)))];
}

interface RenderProblem {
  param: string;
  code: "parameter_missing" | "parameter_unknown" | "parameter_invalid";
  message: string;
}

type Rendering = { rendered: RenderedContent } | { problem: RenderProblem };

const variableParam = (name: string) => `content[variables][${name}]`;

/**
 * Renders the template for the channel. Every variable a channel's body uses
 * must be given; a variable no body of the template uses is refused (a typo
 * would otherwise be silently dropped), but one used only by another channel's
 * body is accepted, so one set of variables fits every channel.
 */
export function renderTemplate(template: Template, channel: Channel, variables: Record<string, string>): Rendering {
  if (!template[channel]) {
    return {
      problem: {
        param: "content[template_id]",
        code: "parameter_invalid",
        message: `Template '${template.id}' has no ${channel} body. Add one with POST /v1/templates/${template.id}, or send on a channel it has.`,
      },
    };
  }
  const declared = new Set(templateVariables(template));
  const unexpected = Object.keys(variables).find((name) => !declared.has(name));
  if (unexpected !== undefined) {
    const known = declared.size > 0 ? `it uses ${[...declared].join(", ")}` : "it uses none";
    return problem(variableParam(unexpected), "parameter_unknown", `Template '${template.id}' has no variable '${unexpected}' (${known}).`);
  }
  const missing = channelVariables(template, channel).find((name) => variables[name] === undefined);
  if (missing !== undefined) {
    return problem(variableParam(missing), "parameter_missing", `Missing variable ${variableParam(missing)}: template '${template.id}' uses {{${missing}}}.`);
  }
  return renderBody(template, channel, variables);
}

function problem(param: string, code: RenderProblem["code"], message: string): { problem: RenderProblem } {
  return { problem: { param, code, message } };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function fill(text: string, variables: Record<string, string>, encode = (value: string) => value): string {
  return text.replace(PLACEHOLDER, (_, name: string) => encode(variables[name]!));
}

function tooLong(what: string, max: number) {
  return problem("content[variables]", "parameter_invalid", `With these variables the ${what} is longer than ${max} characters.`);
}

// Meta refuses body parameters that are empty or break its rule "Param text
// cannot have new-line/tab characters or more than 4 consecutive spaces"
// (error 132018); refusing them here gives a clear 400 instead of a message
// that fails after its 201. A new line is any of Unicode's: CR, LF, VT, FF,
// U+0085, U+2028, U+2029 (with TAB and the other controls, \p{Cc} and the two
// separators); a space is any space separator (\p{Zs}: U+0020, the
// non-breaking U+00A0 and U+202F, the typographic ones), mixed runs included.
const BAD_WHATSAPP_PARAM = /^$|[\p{Cc}\u2028\u2029]|\p{Zs}{5}/u;

function renderBody(bodies: TemplateBodies, channel: Channel, variables: Record<string, string>): Rendering {
  if (channel === "whatsapp") {
    const { name, language, body_params, header } = bodies.whatsapp!;
    const bad = body_params.find((param) => BAD_WHATSAPP_PARAM.test(variables[param]!));
    if (bad !== undefined) {
      return problem(
        variableParam(bad),
        "parameter_invalid",
        `Invalid ${variableParam(bad)}: a WhatsApp template parameter must be non-empty, without new lines, tabs or other control characters, and without more than 4 spaces (of any kind, non-breaking ones included) in a row.`,
      );
    }
    const bodyParams = body_params.map((param) => variables[param]!);
    // The header's file is the create's content[media], read and checked with the other files (src/services/media.ts).
    return { rendered: { channel, type: "template", name, language, bodyParams, ...(header ? { header: { format: header.format } } : {}) } };
  }
  if (channel === "sms") {
    const text = fill(bodies.sms!.text, variables);
    return text.length > LIMITS.smsText ? tooLong("SMS text", LIMITS.smsText) : { rendered: { channel, text } };
  }
  const email = bodies.email!;
  // The subject is a header: a variable in it obeys the subject's own rule.
  const broken = placeholders(email.subject).find((name) => !isHeaderSafe(variables[name]!));
  if (broken !== undefined) {
    return problem(variableParam(broken), "parameter_invalid", `Invalid ${variableParam(broken)}: it is used in the email subject, so it ${HEADER_SAFE_RULE}.`);
  }
  if (email.html !== undefined) {
    const contexts = htmlContexts(email.html);
    // Saved before the html rule: refused rather than rendered unsafely.
    if (contexts.problem) {
      return problem(
        "content[template_id]",
        "parameter_invalid",
        `This template cannot be sent by email: in its html, ${contexts.problem}. Update its email body.`,
      );
    }
    // A URL attribute's placeholder is checked here, with the value it renders to.
    for (const attribute of contexts.urlAttributes) {
      const bad = urlAttributeProblem(attribute, variables);
      if (bad) return problem(variableParam(bad.variable), "parameter_invalid", `Invalid ${variableParam(bad.variable)}: ${bad.message}.`);
    }
  }
  const subject = fill(email.subject, variables);
  const text = email.text === undefined ? undefined : fill(email.text, variables);
  const html = email.html === undefined ? undefined : fill(email.html, variables, (value) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!));
  if (subject.length > LIMITS.emailSubject) return tooLong("email subject", LIMITS.emailSubject);
  if ((text?.length ?? 0) > LIMITS.emailBody || (html?.length ?? 0) > LIMITS.emailBody) return tooLong("email body", LIMITS.emailBody);
  return { rendered: { channel, subject, ...(text === undefined ? {} : { text }), ...(html === undefined ? {} : { html }) } };
}

/** The template object exactly as the API returns it. */
export function toTemplateObject(row: Template) {
  return {
    id: row.id,
    object: "template" as const,
    sms: row.sms,
    whatsapp: row.whatsapp,
    email: row.email,
    variables: templateVariables(row),
    content_retention: row.contentRetention,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
