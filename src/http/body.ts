// Request bodies: JSON, or form-encoded with Stripe's bracket notation
// (content[variables][code]=849201), validated by one zod schema either way.
import type { Context } from "hono";
import { parse } from "qs";
import type { z } from "zod";
import { jsonDeeperThan, MAX_BODY_DEPTH } from "../domain/body-text.ts";
import type { AppEnv } from "./context.ts";
import { errors, validationError } from "./errors.ts";

export const MAX_BODY_BYTES = 128 * 1024;

// Bounds on form parsing; going past any of them is a 400, not a truncation.
const FORM_OPTIONS = {
  depth: 4,
  strictDepth: true,
  parameterLimit: 200,
  arrayLimit: 20,
  throwOnLimitExceeded: true,
  allowPrototypes: false,
  plainObjects: true,
} as const;

/** The body as UTF-8 text. (Request.text() would log a warning for non-text media types such as forms.) */
export async function bodyText(request: Request): Promise<string> {
  return new TextDecoder().decode(await request.arrayBuffer());
}

// qs drops "__proto__" keys (so they cannot pollute prototypes); refuse them
// instead, as JSON bodies' unknown keys are refused, rather than ignore them.
function refusePrototypeKeys(form: string): void {
  for (const key of new URLSearchParams(form).keys()) {
    const segments = key.split(/[[\]]+/);
    if (segments.includes("__proto__")) {
      throw errors.invalidParam(key, `Received unknown parameter: ${key}`, "parameter_unknown");
    }
  }
}

/** A reader of the request's body that parses it (JSON or form) on its first call only: a body can be read once. */
export function bodyReader(request: Request): () => Promise<unknown> {
  let parsed: Promise<unknown> | undefined;
  return () => (parsed ??= parseBody(request));
}

async function parseBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  const text = () => bodyText(request);
  if (contentType === "application/json") {
    const body = await text();
    if (jsonDeeperThan(body, MAX_BODY_DEPTH)) {
      throw errors.invalidRequest("invalid_json", `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
    }
    try {
      return JSON.parse(body);
    } catch {
      throw errors.invalidRequest("invalid_json", "The request body is not valid JSON.");
    }
  }
  if (contentType === "application/x-www-form-urlencoded") {
    const body = await text();
    let parsed: unknown;
    try {
      parsed = parse(body, FORM_OPTIONS);
    } catch {
      throw errors.invalidRequest("invalid_form_body", "The form-encoded body is nested too deeply or has too many parameters.");
    }
    refusePrototypeKeys(body);
    return parsed;
  }
  throw errors.unsupportedMediaType();
}

/** Reads and validates the body; a failure is a 4xx naming the param at fault. */
export async function validBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const body = await c.get("body")();
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw errors.invalidRequest("invalid_body", "The request body must be an object.");
  }
  const result = await schema.safeParseAsync(body);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
