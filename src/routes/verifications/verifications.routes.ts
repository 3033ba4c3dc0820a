import { createRoute, type z } from "@hono/zod-openapi";
import { createVerificationSchema } from "../../domain/verification.ts";
import { apiKey } from "../../http/auth.ts";
import { errors } from "../../http/errors.ts";
import { bodyErrors, commonErrors, errorResponse, notFoundError, sendingErrors } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { createVerificationHooks } from "./create.hooks.ts";
import {
  CodeSchema,
  checkByRecipientSchema,
  checkSchema,
  examples,
  resendSchema,
  VerificationCheckSchema,
  VerificationIdParams,
  VerificationListQuery,
  VerificationListSchema,
  VerificationSchema,
} from "./verifications.schemas.ts";

const json = (schema: z.ZodType, example?: unknown) => ({ "application/json": { schema, ...(example === undefined ? {} : { example }) } });
const TAGS = ["Verify"];

const ended = {
  409: errorResponse(
    "The verification has ended (verification_not_pending); the message names its status",
    errors.problem(
      { param: "id", code: "verification_not_pending", message: "Verification vrf_... is approved: only a pending verification can be checked." },
      409,
    ),
  ),
} as const;

const createBody = jsonOrForm(createVerificationSchema, examples.createRequest);

export const create = createRoute({
  method: "post",
  path: "/v1/verifications",
  operationId: "createVerification",
  tags: TAGS,
  summary: "Start a verification",
  description:
    "Sends a one-time code to `to` over the first of `channels`; when that channel's message fails (or is not delivered within `channel_timeout`) the next channel is sent the same code. Each send is an ordinary message with `content: null` on every read. At most 5 verifications per recipient in 10 minutes and 10 in 24 hours (429 `verification_rate_limited`). Its first message counts against the daily cap of its channel (live keys) (429 `daily_limit_exceeded`).",
  middleware: apiKey({ body: createBody, ...createVerificationHooks }),
  request: { body: createBody },
  responses: {
    201: { content: json(VerificationSchema, examples.created), description: "The verification, its first message queued" },
    ...sendingErrors,
    ...bodyErrors,
    429: errorResponse(
      "Too many verifications to this recipient (verification_rate_limited) or to its range of numbers (verification_prefix_blocked), or the daily cap of the first channel reached (daily_limit_exceeded)",
      errors.verificationLimited("verification_rate_limited", 120),
    ),
  },
});

export const retrieve = createRoute({
  method: "get",
  path: "/v1/verifications/{id}",
  operationId: "retrieveVerification",
  tags: TAGS,
  summary: "Retrieve a verification",
  middleware: apiKey(),
  request: { params: VerificationIdParams },
  responses: { 200: { content: json(VerificationSchema, examples.created), description: "The verification" }, ...commonErrors, ...notFoundError },
});

export const list = createRoute({
  method: "get",
  path: "/v1/verifications",
  operationId: "listVerifications",
  tags: TAGS,
  summary: "List verifications",
  description: "Your verifications, newest first, with cursor-based pagination; filters `status` and `to`.",
  middleware: apiKey(),
  request: { query: VerificationListQuery },
  responses: { 200: { content: json(VerificationListSchema, examples.list), description: "A page of verifications" }, ...commonErrors },
});

const checkBody = jsonOrForm(checkSchema, { code: "123456" });

export const check = createRoute({
  method: "post",
  path: "/v1/verifications/{id}/check",
  operationId: "checkVerification",
  tags: TAGS,
  summary: "Check a code",
  description:
    "The right code approves the verification (`valid: true`); a wrong one answers `valid: false` with one check attempt fewer, and the last wrong one ends it `max_attempts_reached`. A check of an ended verification is a 409 naming its status.",
  middleware: apiKey({ body: checkBody, allowsSendingAccess: true }),
  request: { params: VerificationIdParams, body: checkBody },
  responses: {
    200: { content: json(VerificationCheckSchema, examples.approved), description: "The verification after the check" },
    ...sendingErrors,
    ...bodyErrors,
    ...notFoundError,
    ...ended,
  },
});

const checkByRecipientBody = jsonOrForm(checkByRecipientSchema, { to: "+15005550004", code: "123456" });

export const checkByRecipient = createRoute({
  method: "post",
  path: "/v1/verification_checks",
  operationId: "createVerificationCheck",
  tags: TAGS,
  summary: "Check a code by recipient",
  description: "Twilio's shape: the code is checked against the newest pending verification of `to` in your account (404 when it has none).",
  // Its example needs a pending verification to `to`, as a path's id needs its resource (test/openapi's contract cases make one).
  "x-example-needs-resource": true,
  middleware: apiKey({ body: checkByRecipientBody, allowsSendingAccess: true }),
  request: { body: checkByRecipientBody },
  responses: {
    200: { content: json(VerificationCheckSchema, examples.approved), description: "The verification after the check" },
    ...sendingErrors,
    ...bodyErrors,
    ...notFoundError,
    ...ended,
  },
});

export const cancel = createRoute({
  method: "post",
  path: "/v1/verifications/{id}/cancel",
  operationId: "cancelVerification",
  tags: TAGS,
  summary: "Cancel a verification",
  description: "A pending verification ends `canceled`; canceling a canceled one answers it again, and any other ended one is a 409 naming its status.",
  middleware: apiKey(),
  request: { params: VerificationIdParams },
  responses: { 200: { content: json(VerificationSchema), description: "The canceled verification" }, ...commonErrors, ...notFoundError, ...ended },
});

const resendBody = jsonOrForm(resendSchema, { channel: "SMS" }, { required: false });

export const resend = createRoute({
  method: "post",
  path: "/v1/verifications/{id}/resend",
  operationId: "resendVerification",
  tags: TAGS,
  summary: "Send the code again",
  description:
    "The same code, on `channel` or the channel tried last, as a message of its own. At most 5 sends per verification (429 `verification_send_limit`), and none within 30 seconds of the last (429 `verification_resend_too_soon`, with Retry-After). Like any send, it counts against the per-recipient limit (429 `recipient_rate_limited`) and its channel's daily cap (live keys) (429 `daily_limit_exceeded`).",
  middleware: apiKey({ body: resendBody }),
  request: { params: VerificationIdParams, body: resendBody },
  responses: {
    200: { content: json(VerificationSchema), description: "The verification with its new attempt" },
    ...commonErrors,
    ...bodyErrors,
    ...notFoundError,
    ...ended,
    429: errorResponse(
      "A resend too soon, one send too many, or past the per-recipient limit or the daily cap",
      errors.limited("verification_resend_too_soon", "The code was sent less than 30 seconds ago; retry after the Retry-After header's seconds.", 12),
    ),
  },
});

export const testCode = createRoute({
  method: "get",
  path: "/v1/test_helpers/verifications/{id}/code",
  operationId: "retrieveVerificationTestCode",
  tags: ["Test helpers"],
  summary: "Read a verification's code (test keys)",
  description:
    "The code of a test-mode verification of your account, for end-to-end tests. With a live key this route does not exist (404); nowhere else can a code be read.",
  middleware: apiKey({ testModeOnly: true }),
  request: { params: VerificationIdParams },
  responses: { 200: { content: json(CodeSchema), description: "The code" }, ...commonErrors, ...notFoundError },
});
