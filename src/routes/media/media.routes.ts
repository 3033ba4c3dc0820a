import { createRoute, z } from "@hono/zod-openapi";
import { ATTACHMENT_ID, EMAIL_TYPES } from "../../domain/media.ts";
import { MEDIA_LINK_TOKEN, MEDIA_LINK_TOKEN_LENGTH } from "../../domain/media-link.ts";
import { MEDIA_TOKEN } from "../../domain/media-token.ts";
import { apiKey } from "../../http/auth.ts";
import { errors } from "../../http/errors.ts";
import { commonErrors, errorResponse, notFoundError } from "../../http/openapi-schemas.ts";
import { MessageIdParams } from "../messages/messages.schemas.ts";

// Served with the file's own content_type, one of those a file may have.
const fileSchema = z.string().openapi({ format: "binary", description: "The file's bytes" });
const fileContent = Object.fromEntries(EMAIL_TYPES.map((type) => [type, { schema: fileSchema }]));

export const retrieveAttachment = createRoute({
  method: "get",
  path: "/v1/messages/{id}/attachments/{attachment_id}",
  operationId: "retrieveMessageAttachment",
  tags: ["Messages"],
  summary: "Download a message's attachment",
  description:
    "The bytes of one of the message's attachments (`content[attachments][].id`), with its content type and file name. Once the message's content is gone (discard, redact, retention) this is a 404.",
  middleware: apiKey(),
  request: {
    params: MessageIdParams.extend({
      attachment_id: z
        .string()
        .max(64)
        .openapi({
          param: { name: "attachment_id", in: "path" },
          description: "The attachment's id",
          pattern: ATTACHMENT_ID.source,
          example: "att_0e1f2a3b4c5d6e7f8a9b0c1d",
        }),
    }),
  },
  responses: {
    200: { content: fileContent, description: "The file" },
    ...commonErrors,
    ...notFoundError,
  },
});

export const mediaByToken = createRoute({
  method: "get",
  path: "/v1/media/{token}",
  operationId: "retrieveMedia",
  tags: ["Messages"],
  summary: "Fetch a file by signed URL",
  description:
    "A message's file by the short-lived signed URL OmniFlow gives providers (to fetch WhatsApp and MMS media) and the Console: no API key. The URL names one file of one message and expires after an hour; an expired, altered or unknown token, or a file the message no longer refers to, is a 404.",
  security: [],
  request: {
    params: z.object({
      token: z
        .string()
        .max(512)
        .openapi({
          param: { name: "token", in: "path" },
          description: "The signed token",
          pattern: MEDIA_TOKEN.source,
          example: `acct_${"0".repeat(32)}.msg_${"1".repeat(32)}.att_${"2".repeat(24)}.1767225600.${"A".repeat(43)}`,
        }),
    }),
  },
  responses: {
    200: { content: fileContent, description: "The file" },
    404: errorResponse("No such file, or the link expired", errors.notFound("media", "…", "token")),
  },
});

export const mediaByLink = createRoute({
  method: "get",
  path: "/m/{token}",
  operationId: "retrieveMediaLink",
  tags: ["Messages"],
  summary: "Open a file by the link an SMS carries",
  description:
    "A file of an SMS sent with `content[mms_fallback]` `link` to a number without MMS: its text carries one such link per file, for its recipient to open. No API key. The link expires 30 days after the message was handed off; an expired, altered or unknown link, or a file the message no longer refers to (redacted, or past retention_days), is a 404.",
  security: [],
  request: {
    params: z.object({
      token: z
        .string()
        .max(512)
        .openapi({
          param: { name: "token", in: "path" },
          description: `The link's signed token (${MEDIA_LINK_TOKEN_LENGTH} characters of base64url)`,
          pattern: MEDIA_LINK_TOKEN.source,
          example: "AZ7I86GyfD2OnwobLD1OXwBpVbkAWhyeB7PST2aIoMTicZs9",
        }),
    }),
  },
  responses: {
    200: { content: fileContent, description: "The file" },
    404: errorResponse("No such file, or the link expired", errors.notFound("media", "…", "token")),
  },
});
