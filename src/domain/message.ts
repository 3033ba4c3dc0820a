// The message resource: what a create request may contain, and the object
// the API returns. Shared by the routes, the consumer and the Durable Object.
import { z } from "zod";
import type { Mode } from "./account.ts";
import { type Channel, normalizeRecipient, normalizeSender } from "./address.ts";
import { type Attempt, deliveryControlFields, type FallbackStep, resolveControls } from "./delivery-controls.ts";
import { type AttachmentInput, emailFileFields } from "./email-files.ts";
import { HEADER_SAFE, HEADER_SAFE_RULE } from "./header-safe.ts";
import { type MediaItem, mmsFallbackField, mmsMediaField, storedFileSchema, templateMediaField, whatsappMediaField } from "./media-content.ts";
import { type Metadata, metadataSchema } from "./metadata.ts";
import { formatAmount } from "./price.ts";
import type { PriceStatus } from "./price-message.ts";
import type { RenderedContent } from "./rendered.ts";
import { type ContentRetention, contentRetentionSchema } from "./retention.ts";
import { maxSegmentsSchema, type SmsEncoding } from "./segments.ts";
import type { Status } from "./status.ts";

export const LIMITS = {
  smsText: 1600, // Twilio's maximum body length
  whatsappText: 4096, // WhatsApp Cloud API text body limit
  emailSubject: 998, // RFC 5322 line length
  emailBody: 100_000,
  variables: 50,
  variableValue: 1024,
} as const;

// Shared with template placeholders ({{code}}), hence a pattern without anchors.
export const VARIABLE_NAME = "[A-Za-z0-9_]{1,64}";
export const variableName = z.string().regex(new RegExp(`^${VARIABLE_NAME}$`), "variable names are 1-64 letters, digits or underscores");
export const TEMPLATE_ID = /^[a-z0-9_]{1,64}$/;
export const templateId = z.string().regex(TEMPLATE_ID, "must be 1-64 lower-case letters, digits or underscores");
// Form-encoded bodies carry every value as a string; accept numbers in JSON so both encodings agree.
const variableValue = z
  .union([z.string(), z.number().finite()])
  .transform(String)
  .pipe(z.string().max(LIMITS.variableValue, `must be at most ${LIMITS.variableValue} characters`));

/** A template's variables, as a create (and a template preview) gives them. */
export const variablesSchema = z
  .record(variableName, variableValue)
  .refine((v) => Object.keys(v).length <= LIMITS.variables, `at most ${LIMITS.variables} variables`)
  .default({});

const templateContentSchema = z.strictObject({ template_id: templateId, variables: variablesSchema });
// The message's own template content may carry its WhatsApp header's file; a fallback step's sends none.
const ownTemplateContentSchema = templateContentSchema.extend({ media: templateMediaField });

/** An email's fields; `field` makes each text field (plain here, with placeholders in templates). */
function emailFields(field: (max: number) => z.ZodString) {
  return {
    // The subject is a header line: a line break in it would start a new header.
    subject: field(LIMITS.emailSubject).regex(HEADER_SAFE, HEADER_SAFE_RULE),
    text: field(LIMITS.emailBody).optional(),
    html: field(LIMITS.emailBody).optional(),
  };
}

const hasBody = (c: { text?: string; html?: string }) => c.text !== undefined || c.html !== undefined;
const NEEDS_BODY = { message: "an email needs text, html or both", path: ["text"] };

/** An email's shape; `field` makes each text field (plain here, with placeholders in templates). */
export function emailSchema(field: (max: number) => z.ZodString) {
  return z.strictObject(emailFields(field)).refine(hasBody, NEEDS_BODY);
}

const plainText = (max: number) => z.string().min(1).max(max);

// A fallback step's content is text only: files go with the message's own content (src/services/media.ts).
const stepContentSchemas = {
  sms: z.strictObject({ text: plainText(LIMITS.smsText) }),
  whatsapp: z.strictObject({ text: plainText(LIMITS.whatsappText) }),
  email: emailSchema(plainText),
} as const;

const directContentSchemas = {
  sms: z.strictObject({ text: plainText(LIMITS.smsText), media: mmsMediaField, mms_fallback: mmsFallbackField }),
  whatsapp: z
    .strictObject({ text: plainText(LIMITS.whatsappText).optional(), media: whatsappMediaField })
    .refine((c) => (c.text === undefined) !== (c.media === undefined), { message: "give text, or media (with its caption), one of them", path: ["text"] }),
  email: z.strictObject({ ...emailFields(plainText), ...emailFileFields }).refine(hasBody, NEEDS_BODY),
} as const;

export type EmailContent = { subject: string; text?: string; html?: string; attachments?: AttachmentInput[]; headers?: Record<string, string> };
export type MediaContent = { text?: string; media?: MediaItem[]; mms_fallback?: "link" };
export type TemplateContent = z.output<typeof ownTemplateContentSchema>;
export type MessageContent = TemplateContent | MediaContent | EmailContent;

export const channelSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(["sms", "whatsapp", "email"], { error: "must be one of WHATSAPP, SMS, EMAIL" }))
  .meta({
    description: "The routing channel: WHATSAPP, SMS or EMAIL (letter case is ignored).",
    enum: ["WHATSAPP", "SMS", "EMAIL", "whatsapp", "sms", "email"],
  });

/**
 * JSON Schemas of the content shapes, for the API document: the request
 * accepts them as "input", the message object returns them as "output".
 */
// The content as a message object shows it: files as their descriptions (src/services/media.ts stores them so).
const shownContentSchemas = [
  templateContentSchema.extend({ media: z.array(storedFileSchema).optional() }),
  // SMS and WhatsApp: text, media, or both (a WhatsApp medium's caption is sent with it, and kept beside its file).
  z.strictObject({ text: z.string().optional(), media: z.array(storedFileSchema).optional(), mms_fallback: z.literal("link").optional() }),
  z.strictObject({ ...emailFields(plainText), headers: z.record(z.string(), z.string()).optional(), attachments: z.array(storedFileSchema).optional() }),
];

export function contentShapes(io: "input" | "output") {
  const shapes = io === "input" ? [ownTemplateContentSchema, directContentSchemas.sms, directContentSchemas.email] : shownContentSchemas;
  return shapes.map((shape) => {
    const { $schema: _, ...jsonSchema } = z.toJSONSchema(shape, { io });
    return jsonSchema;
  });
}

const isPlainObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);

/** The body of POST /v1/messages, normalized: channel lower-cased, phone numbers in E.164, content checked per channel. */
export const createMessageSchema = z
  .strictObject({
    channel: channelSchema,
    to: z.string().min(1).max(320).meta({ description: "The destination phone number (in E.164 format) or email address." }),
    from: z
      .string()
      .min(1)
      .max(320)
      .optional()
      .meta({ description: "The sender ID or phone number. If omitted, OmniFlow uses your default sender for the channel." }),
    // The transform below checks the content against its channel's shape.
    content: z
      .custom<Record<string, unknown>>((value) => isPlainObject(value), "must be an object")
      .meta({
        description: "The payload. For a template: template_id and variables. Otherwise text (SMS, WhatsApp), or subject with text and/or html (email).",
        anyOf: contentShapes("input"),
      }),
    status_callback: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: "A URL that OmniFlow sends a webhook to every time the message status changes (e.g. delivered, failed)." }),
    max_segments: maxSegmentsSchema.optional(),
    ...deliveryControlFields,
    content_retention: contentRetentionSchema.optional().meta({
      description:
        "discard: the content is removed once the message is final (delivered, read, undelivered, failed, canceled or expired). Default: the template's, else retain.",
    }),
    metadata: metadataSchema.optional(),
  })
  .transform((input, ctx) => {
    const channel: Channel = input.channel;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    // The message's own rules for an address and content, applied to the message and to each fallback step.
    const check = (stepChannel: Channel, rawTo: string, rawFrom: string | undefined, rawContent: unknown, path: (string | number)[]) => {
      const to = normalizeRecipient(stepChannel, rawTo);
      if ("error" in to) issue([...path, "to"], to.error);
      const from = rawFrom === undefined ? undefined : normalizeSender(stepChannel, rawFrom);
      if (from && "error" in from) issue([...path, "from"], from.error);
      if (!isPlainObject(rawContent)) {
        issue([...path, "content"], "must be an object");
        return null;
      }
      const direct = path.length === 0 ? directContentSchemas : stepContentSchemas;
      const templateSchema = path.length === 0 ? ownTemplateContentSchema : templateContentSchema;
      const contentSchema = "template_id" in (rawContent as object) ? templateSchema : direct[stepChannel];
      const content = contentSchema.safeParse(rawContent);
      if (!content.success) {
        for (const found of content.error.issues) ctx.addIssue({ ...found, path: [...path, "content", ...found.path] } as never);
      }
      if (!("value" in to) || (from && !("value" in from)) || !content.success) return null;
      return { to: to.value, from: from?.value, content: content.data as MessageContent };
    };
    const own = check(channel, input.to, input.from, input.content, []);
    const channelOf = (value: string) => channelSchema.safeParse(value).data ?? null;
    const controls = resolveControls(input, { channel, to: own?.to ?? input.to, content: input.content, channelOf }, check, issue);
    if (!own || !controls) return z.NEVER;
    return {
      channel,
      ...own,
      statusCallback: input.status_callback,
      maxSegments: input.max_segments,
      contentRetention: input.content_retention,
      metadata: input.metadata,
      ...controls,
    };
  });

export type CreateMessageInput = z.output<typeof createMessageSchema>;

/** outbound: created through the API; inbound: a reply received from a provider (or the test helper). */
export type Direction = "outbound" | "inbound";

/** A message as stored: what its create was given, what is sent, and where its delivery stands. */
export interface Message {
  id: string;
  accountId: string;
  mode: Mode;
  direction: Direction;
  channel: Channel;
  to: string;
  from: string;
  /** The content as the request gave it (returned by the API)... */
  content: Record<string, unknown>;
  /** ...and as it is sent to the provider. */
  rendered: RenderedContent | null;
  status: Status;
  statusCallback: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: number;
  deliveredAt: number | null;
  providerLatencyMs: number | null;
  /** discard: content and rendered are emptied once the message is final, at redactedAt (Unix seconds). */
  contentRetention: ContentRetention;
  redactedAt: number | null;
  updatedAt: number;
  /** SMS: how the rendered text is encoded and how many segments it takes; null on other channels. */
  encoding: SmsEncoding | null;
  segments: number | null;
  /** Delivery controls (delivery-controls.ts): the steps after the message's own, ... */
  fallback: FallbackStep[] | null;
  /** ...seconds a step may stay undelivered before the next starts, and Unix seconds of the send and the expiry. */
  fallbackAfter: number | null;
  sendAt: number | null;
  expiresAt: number | null;
  /** Each step tried so far, and the channel of the step that was delivered. */
  attempts: Attempt[] | null;
  deliveredChannel: Channel | null;
  /** The recipient's country and the creating key (outbound), for usage. */
  country: string | null;
  apiKeyId: string | null;
  /** Its price (price-message.ts): ten-thousandths of priceUnit; each step's by the card at create. */
  price: number | null;
  priceUnit: string | null;
  priceStatus: PriceStatus | null;
  stepPrices: (number | null)[] | null;
  /** The customer's own keys (src/domain/metadata.ts); null when it has none. Kept through fallback and redaction. */
  metadata: Metadata | null;
  /** The batch that created it (POST /v1/messages/batch), or null. */
  batchId: string | null;
}

/** Rendering of direct (non-template) content; null for template content. */
export function renderDirect(channel: Channel, content: MessageContent): RenderedContent | null {
  if ("template_id" in content) return null;
  // createMessageSchema has already checked the content's shape for its channel.
  if (channel === "email") {
    // Attachments are rendered once stored (src/services/media.ts): only their description is sent on.
    const { subject, text, html, headers } = content as EmailContent;
    return { channel, subject, text, html, ...(headers ? { headers } : {}) };
  }
  // A WhatsApp medium is rendered once stored (src/services/media.ts); its text is its caption.
  const { text = "" } = content as MediaContent;
  return channel === "sms" ? { channel, text } : { channel, type: "text", text };
}

/**
 * What a verification's message stores as its content (the rendered text,
 * which holds the code, is kept only for the hand-off and discarded once the
 * message is final): the verification's id. No content a create accepts has
 * this shape (every content schema is strict), so it marks such a message.
 */
export function verificationContent(verificationId: string): Record<string, unknown> {
  return { verification_id: verificationId };
}

function isVerificationContent(content: Record<string, unknown> | null | undefined): boolean {
  return typeof content?.verification_id === "string";
}

/** Whether the message shows no content: redacted, or a verification's (its rendered text must not be shown either). */
export function hidesContent(row: Pick<Message, "redactedAt" | "content">): boolean {
  return Boolean(row.redactedAt) || isVerificationContent(row.content);
}

/** The message object exactly as the API returns it. */
export function toMessageObject(row: Message) {
  return {
    id: row.id,
    object: "message" as const,
    direction: row.direction,
    channel: row.channel,
    to: row.to,
    from: row.from,
    // Redacted: nothing of the content is left to show. (Falsy checks: a
    // message object's state stored before these fields existed lacks them.)
    // A verification's message never shows its content: its text holds the code.
    content: hidesContent(row) ? null : row.content,
    content_retention: row.contentRetention || "retain",
    redacted_at: row.redactedAt || null,
    status: row.status,
    status_callback: row.statusCallback,
    created_at: row.createdAt,
    delivered_at: row.deliveredAt,
    provider_latency_ms: row.providerLatencyMs,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null,
    // A message its Durable Object took in before these fields existed holds neither.
    encoding: row.encoding ?? null,
    segments: row.segments ?? null,
    // Whether the SMS's files went as links in its text (content[mms_fallback]); unknown (null) once its content is hidden.
    mms_fallback_applied: hidesContent(row) ? null : row.rendered?.channel === "sms" && row.rendered.linkOrigin !== undefined,
    fallback: (row.fallback ?? []).map(({ channel, to, from, content }) => ({ channel, to, from, content: hidesContent(row) ? null : content })),
    fallback_after: row.fallbackAfter,
    send_at: row.sendAt,
    expires_at: row.expiresAt,
    attempts: row.attempts ?? [],
    delivered_channel: row.deliveredChannel,
    // A row or state from before prices existed holds none.
    price: row.price == null ? null : formatAmount(row.price),
    price_unit: row.priceUnit ?? null,
    price_status: row.priceStatus ?? null,
    // A message its Durable Object took in before these fields existed holds neither.
    metadata: row.metadata ?? {},
    batch_id: row.batchId ?? null,
  };
}

export type MessageObject = ReturnType<typeof toMessageObject>;

/** The message as its create stored (and answered) it: queued (or scheduled), nothing delivered or failed yet. */
export function asCreated(row: Message): Message {
  const status = row.sendAt === null ? "queued" : "scheduled";
  const untouched = { deliveredAt: null, providerLatencyMs: null, errorCode: null, errorMessage: null, attempts: null, deliveredChannel: null };
  const priced = row.priceUnit === null ? {} : { price: row.stepPrices?.[0] ?? null, priceStatus: "estimated" as const };
  return { ...row, status, ...untouched, ...priced, updatedAt: row.createdAt };
}
