// The one error envelope of the API: { error: { type, code, message, param? } }.
// Every failure, from validation to an unexpected exception, leaves through here.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { Problem } from "../domain/result.ts";

export type ErrorType = "invalid_request_error" | "authentication_error" | "permission_error" | "rate_limit_error" | "idempotency_error" | "api_error";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
    /** A refused batch: every item's error by index. */
    readonly itemErrors?: { index: number; error: ErrorDetail }[],
  ) {
    super(message);
  }

  /** The error object alone (also a batch item's error). */
  detail(): ErrorDetail {
    return { type: this.type, code: this.code, message: this.message, ...(this.param === undefined ? {} : { param: this.param }) };
  }

  toJSON() {
    return { error: { ...this.detail(), ...(this.itemErrors ? { errors: this.itemErrors } : {}) } };
  }
}

export interface ErrorDetail {
  type: ErrorType;
  code: string;
  message: string;
  param?: string;
}

export const errors = {
  invalidParam: (param: string | undefined, message: string, code = "parameter_invalid") =>
    new ApiError(400, "invalid_request_error", code, message, param || undefined),
  /**
   * A service's or a rule's problem with the input: a 400 naming the param at
   * fault, unless the route knows a better status for its code (a 409 conflict,
   * a 503 for a dependency that may answer on a retry).
   */
  problem: ({ param, code, message }: Problem, status: 400 | 404 | 409 | 413 | 503 = 400) =>
    new ApiError(
      status,
      status === 503 ? "api_error" : "invalid_request_error",
      code,
      message,
      param || undefined,
      status === 503 ? { "Retry-After": "30" } : {},
    ),
  invalidRequest: (code: string, message: string, status: ContentfulStatusCode = 400) => new ApiError(status, "invalid_request_error", code, message),
  notFound: (resource: string, id: string, param = "id") =>
    new ApiError(404, "invalid_request_error", "resource_missing", `No such ${resource}: '${id}'`, param),
  /** `what` names the resource, e.g. "Template 'auth_otp'". */
  alreadyExists: (what: string, param: string) =>
    new ApiError(409, "invalid_request_error", "resource_already_exists", `${what} already exists in this account.`, param),
  bodyTooLarge: (maxBytes: number) => new ApiError(413, "invalid_request_error", "body_too_large", `The request body is larger than ${maxBytes / 1024} KiB.`),
  /** A create's body past its limit: only files make one that large. */
  mediaBodyTooLarge: (maxBytes: number) =>
    new ApiError(
      413,
      "invalid_request_error",
      "media_too_large",
      `The request body is larger than ${maxBytes / 1024 / 1024} MiB: a message's files total at most 25 MB (about 33 MB as base64). Send a larger file by url.`,
      "content",
    ),
  unsupportedMediaType: () =>
    new ApiError(415, "invalid_request_error", "unsupported_media_type", "Send the body as application/json or application/x-www-form-urlencoded."),
  unsupportedCharset: () =>
    new ApiError(415, "invalid_request_error", "unsupported_media_type", "Send the body as UTF-8: charset=utf-8, or no charset parameter."),
  /** Text that is not well-formed UTF-8 (or UTF-16, for a JSON escape), in a known param. */
  invalidText: (param: string) =>
    new ApiError(
      400,
      "invalid_request_error",
      "parameter_invalid",
      `Invalid ${param}: not valid UTF-8 text (an invalid byte sequence, an undecodable percent-escape or a lone surrogate).`,
      param,
    ),
  invalidEncoding: () =>
    new ApiError(400, "invalid_request_error", "invalid_encoding", "The request body is not valid UTF-8 text (invalid bytes or percent-escapes)."),
  routeNotFound: (method: string, path: string) =>
    new ApiError(404, "invalid_request_error", "route_not_found", `Unrecognized request URL (${method}: ${path}).`),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new ApiError(405, "invalid_request_error", "method_not_allowed", `${method} is not allowed here; use ${allowed.join(", ")}.`, undefined, {
      Allow: allowed.join(", "),
    }),
  authentication: (code: string, message: string) =>
    new ApiError(401, "authentication_error", code, message, undefined, {
      "WWW-Authenticate": 'Basic realm="OmniFlow"',
    }),
  /** A valid key whose permission does not cover the operation (a sending_access key reading or changing anything). */
  permission: (permission: string) =>
    new ApiError(
      403,
      "permission_error",
      "insufficient_permission",
      `This API key has ${permission}, which only allows creating messages (POST /v1/messages and POST /v1/messages/batch). Use a full_access key for this request.`,
    ),
  invalidSignature: (provider: string) =>
    new ApiError(401, "authentication_error", "invalid_signature", `The ${provider} webhook signature is missing or wrong.`),
  idempotencyKeyInvalid: (maxLength: number) =>
    new ApiError(
      400,
      "invalid_request_error",
      "idempotency_key_invalid",
      `The Idempotency-Key header must be 1-${maxLength} printable ASCII characters (a UUID is a good choice).`,
    ),
  idempotencyMismatch: (key: string) =>
    new ApiError(
      400,
      "idempotency_error",
      "idempotency_parameters_mismatch",
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Use a new key if you meant a different request (key: '${key}').`,
    ),
  idempotencyKeyInUse: (key: string) =>
    new ApiError(
      409,
      "idempotency_error",
      "idempotency_key_in_use",
      `A request with Idempotency-Key '${key}' is still being processed; retry shortly to get its result.`,
      undefined,
      { "Retry-After": "1" },
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      "rate_limit_error",
      "rate_limit_exceeded",
      "Too many requests with this API key; slow down and retry after the Retry-After header's seconds.",
      undefined,
      {
        "Retry-After": String(retryAfterSeconds),
      },
    ),
  dailyLimitExceeded: (channel: string, limit: number, retryAfterSeconds: number) =>
    new ApiError(
      429,
      "rate_limit_error",
      "daily_limit_exceeded",
      `This account has sent its daily limit of ${limit} ${channel} messages (UTC day). Contact support to raise it.`,
      undefined,
      { "Retry-After": String(retryAfterSeconds) },
    ),
  recipientRateLimited: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      "rate_limit_error",
      "recipient_rate_limited",
      "This account has sent its hourly limit of messages to this recipient (recipient_limits[per_hour]); retry after the Retry-After header's seconds.",
      undefined,
      { "Retry-After": String(retryAfterSeconds) },
    ),
  /** A create whose estimated price would pass the account's spend limit (POST /v1/account spend_limits). */
  spendLimitReached: (message: string) => new ApiError(402, "invalid_request_error", "spend_limit_reached", message),
  /** The Verify API's fraud guard refused a create: too many to the recipient, or to its range of numbers. */
  verificationLimited: (code: "verification_rate_limited" | "verification_prefix_blocked", retryAfterSeconds: number) =>
    new ApiError(
      429,
      "rate_limit_error",
      code,
      code === "verification_rate_limited"
        ? "This recipient has been sent its limit of verifications (5 in 10 minutes, 10 in 24 hours); retry after the Retry-After header's seconds."
        : "Too many verifications to numbers of this range in the last hour (verification_limits[per_prefix_per_hour]), as SMS pumping sends; retry after the Retry-After header's seconds.",
      "to",
      { "Retry-After": String(retryAfterSeconds) },
    ),
  /** A limit of one resource's own, with when to retry (a verification's resend). */
  limited: (code: string, message: string, retryAfterSeconds: number) =>
    new ApiError(429, "rate_limit_error", code, message, undefined, { "Retry-After": String(retryAfterSeconds) }),
  /** A batch none of whose items is created: strict with any invalid item, or no valid item at all. */
  batchRefused: (itemErrors: { index: number; error: ErrorDetail }[], total: number) =>
    new ApiError(
      400,
      "invalid_request_error",
      "batch_invalid",
      `${itemErrors.length} of the batch's ${total} messages cannot be sent as given (see errors); nothing was created.`,
      "messages",
      {},
      itemErrors,
    ),
  internal: () =>
    new ApiError(
      500,
      "api_error",
      "internal_error",
      "An unexpected error occurred on our side; retry later. Quote the X-Request-Id header if you contact support.",
    ),
};

/** Stripe-style param name for a zod path: content.variables.code -> content[variables][code]. */
function paramName(path: ReadonlyArray<PropertyKey>): string {
  const [head, ...rest] = path.map(String);
  return head === undefined ? "" : head + rest.map((p) => `[${p}]`).join("");
}

/** The first zod issue as a 400 that names the param at fault. */
export function validationError(error: ZodError): ApiError {
  const issue = error.issues[0]!;
  // An unknown key is reported on the object; name the key itself.
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
  const param = paramName(path);
  const message = keys.length > 0 ? `Received unknown parameter: ${param}` : param ? `Invalid ${param}: ${issue.message}` : issue.message;
  return errors.invalidParam(param, message, keys.length > 0 ? "parameter_unknown" : "parameter_invalid");
}

export function errorResponse(c: Context, error: ApiError): Response {
  return c.json(error.toJSON(), error.status, error.headers);
}
