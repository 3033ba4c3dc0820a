// Request bodies: JSON, or form-encoded with Stripe's bracket notation
// (content[variables][code]=849201), validated by one zod schema either way.
import { parse } from "qs";
import { jsonDeeperThan, MAX_BODY_DEPTH, malformedTextParam } from "../domain/body-text.ts";
import { ApiError, errors } from "./errors.ts";

export const MAX_BODY_BYTES = 128 * 1024;
/** POST /v1/messages/batch: up to 1,000 create bodies. */
export const BATCH_PATH = "/v1/messages/batch";
export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;

/**
 * A message create (and its preview) carries its files as base64: 25 MB of
 * attachments is 33.4 MB of JSON, plus the text. Larger is refused before it
 * is read (Workers hold the body in an isolate of 128 MB).
 */
export const MAX_MEDIA_BODY_BYTES = 35 * 1024 * 1024;
const MEDIA_BODY_PATHS = new Set(["/v1/messages", "/v1/messages/preview"]);

/** The largest body a path takes: the create's is larger, for its files, and the batch's for its items. */
export function maxBodyBytes(path: string): number {
  if (path === BATCH_PATH) return MAX_BATCH_BODY_BYTES;
  return MEDIA_BODY_PATHS.has(path) ? MAX_MEDIA_BODY_BYTES : MAX_BODY_BYTES;
}

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

const UTF8_LABELS = new Set(["utf-8", "utf8"]);

/** Whether the bytes hold U+FFFD's UTF-8 encoding (EF BF BD). */
function holdsReplacementCharacter(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) return true;
  }
  return false;
}

/**
 * The body decoded as UTF-8, with `replaced` true when it held invalid byte
 * sequences (each then a U+FFFD in `text`). A U+FFFD the client sent itself
 * makes the invalid bytes impossible to place: that body is refused whole.
 */
function decodedBody(bytes: Uint8Array): { text: string; replaced: boolean } {
  const text = new TextDecoder().decode(bytes);
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, replaced: false };
  } catch {
    if (holdsReplacementCharacter(bytes)) throw errors.invalidEncoding();
    return { text, replaced: true };
  }
}

/** Refuses the first string of the parsed body that is not well-formed text, naming its param. */
function refuseMalformedText(parsed: unknown, replaced: boolean): void {
  const param = malformedTextParam(parsed, replaced);
  if (param !== null && param !== "") throw errors.invalidText(param);
  if (param === "" || replaced) throw errors.invalidEncoding();
}

/**
 * Form values decoded strictly: an undecodable percent-escape (caf%E9 is
 * Latin-1, not UTF-8) is a 400 naming its field, not a value kept as typed.
 * qs decodes each key just before its value, so the last key names the value.
 */
function strictFormDecoder() {
  let lastKey = "";
  return (encoded: string, _default: unknown, _charset: unknown, type: "key" | "value") => {
    try {
      const decoded = decodeURIComponent(encoded.replace(/\+/g, " "));
      if (type === "key") lastKey = decoded;
      return decoded;
    } catch {
      throw type === "key" || lastKey === "" ? errors.invalidEncoding() : errors.invalidText(lastKey);
    }
  };
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
  const [mediaType, ...params] = (request.headers.get("content-type") ?? "").split(";");
  const contentType = mediaType?.trim().toLowerCase();
  // An empty body is no parameters, like {}, whatever its declared type (curl -X POST sends
  // none; clients that always send Content-Type: application/json send it with nothing):
  // so a route whose body is optional or absent answers it as it answers no body.
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength === 0) return {};
  if (contentType !== "application/json" && contentType !== "application/x-www-form-urlencoded") throw errors.unsupportedMediaType();
  const charset = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith("charset="));
  if (charset !== undefined && !UTF8_LABELS.has(charset.slice("charset=".length).replace(/^"(.*)"$/, "$1"))) throw errors.unsupportedCharset();
  const { text, replaced } = decodedBody(bytes);
  const parsed = contentType === "application/json" ? parseJson(text) : parseForm(text);
  refuseMalformedText(parsed, replaced);
  return parsed;
}

function parseJson(body: string): unknown {
  if (jsonDeeperThan(body, MAX_BODY_DEPTH)) {
    throw errors.invalidRequest("invalid_json", `The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw errors.invalidRequest("invalid_json", "The request body is not valid JSON.");
  }
}

function parseForm(body: string): unknown {
  let parsed: unknown;
  try {
    parsed = parse(body, { ...FORM_OPTIONS, decoder: strictFormDecoder() });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw errors.invalidRequest("invalid_form_body", "The form-encoded body is nested too deeply or has too many parameters.");
  }
  refusePrototypeKeys(body);
  return parsed;
}
