// What an email's content may carry besides its text: attachments (each a
// file as base64 or a URL to fetch it from) and custom headers. The bytes are
// checked, hashed and stored by src/services/media.ts; here only the shape.
import { z } from "zod";
import { HEADER_SAFE, HEADER_SAFE_RULE } from "./header-safe.ts";
import { CONTENT_ID, EMAIL_LIMITS, EMAIL_TYPES, isBase64, isSafeFilename } from "./media.ts";

const attachmentInputSchema = z
  .strictObject({
    filename: z
      .string()
      .min(1)
      .max(EMAIL_LIMITS.filename)
      .refine(isSafeFilename, "must be a file name without a path, line breaks, control characters or surrounding spaces"),
    content_type: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(EMAIL_TYPES, { error: `must be one of ${EMAIL_TYPES.join(", ")}` }))
      .meta({ description: "The file's type, checked against its bytes.", enum: [...EMAIL_TYPES] }),
    content: z
      .string()
      .min(1)
      .refine(isBase64, "must be standard base64 (RFC 4648: A-Z a-z 0-9 + /, padded with =, no line breaks)")
      .optional()
      .meta({ description: "The file, base64-encoded. Give content or url." }),
    url: z.string().min(1).max(2048).optional().meta({
      description: "Where OmniFlow fetches the file from, once, at create (live keys: a public https URL; test keys may also use loopback).",
    }),
    content_id: z
      .string()
      .min(1)
      .max(EMAIL_LIMITS.contentId)
      .regex(CONTENT_ID, "must be letters, digits, '.', '_', '@' or '-'")
      .optional()
      .meta({ description: "Makes the file an inline image that the html references as cid:<content_id>." }),
  })
  .refine((file) => (file.content === undefined) !== (file.url === undefined), {
    message: "give the file as content (base64) or url, one of them",
    path: ["content"],
  });

export type AttachmentInput = z.output<typeof attachmentInputSchema>;

/**
 * Headers the platform writes itself (addresses, subject, MIME structure,
 * signatures, trace): a custom one of these would forge or break the message.
 * Compared case-insensitively; the prefixes cover a whole family.
 */
const OWNED_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "subject",
  "sender",
  "date",
  "message-id",
  "mime-version",
  "return-path",
  "received",
  "received-spf",
  "authentication-results",
  "in-reply-to",
  "references",
  "x-omniflow-message-id",
]);
const OWNED_PREFIXES = ["content-", "dkim-", "arc-", "resent-", "x-ses-", "x-resend-"];

/** Whether an email's custom header would overwrite one the platform owns. */
function isOwnedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return OWNED_HEADERS.has(lower) || OWNED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** RFC 5322 field name: printable ASCII except the colon. */
const HEADER_NAME = /^[!-9;-~]{1,76}$/;
const MAX_HEADERS = 20;
const MAX_HEADER_VALUE = 998;

const headersInputSchema = z
  .record(z.string(), z.string())
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) ctx.addIssue({ code: "custom", message: `at most ${MAX_HEADERS} headers` });
    for (const name of names) {
      const value = headers[name]!;
      const issue = (message: string) => ctx.addIssue({ code: "custom", path: [name], message });
      if (!HEADER_NAME.test(name)) issue("a header name is 1-76 printable ASCII characters without ':' or spaces");
      else if (isOwnedHeader(name)) issue(`${name} is set by OmniFlow and cannot be overridden (use subject, from and to)`);
      else if (value.length === 0 || value.length > MAX_HEADER_VALUE) issue(`must be 1-${MAX_HEADER_VALUE} characters`);
      else if (!HEADER_SAFE.test(value)) issue(HEADER_SAFE_RULE);
    }
  })
  .meta({
    description: "Custom headers (List-Unsubscribe, Reply-To, X-...). Those OmniFlow sets itself (From, To, Subject, Content-*, DKIM-*, ...) are refused.",
  });

/** The email content fields a direct (non-template) message adds to a template's: files and headers. */
export const emailFileFields = {
  attachments: z.array(attachmentInputSchema).min(1).max(EMAIL_LIMITS.attachments).optional(),
  headers: headersInputSchema.optional(),
};
