// A route's request body: one zod schema for JSON and for form-encoded bodies
// (Stripe's bracket notation, content[variables][code]=849201). The route
// declares it as its `request.body`; the router (src/http/router.ts) validates
// every request with it and hands the handler the result as
// c.req.valid("json"), and the API key guard may read it earlier (a create's
// reads ride with the key check) without a second parse or validation.
import type { z } from "zod";
import type { AppEnv } from "./context.ts";
import { errors, validationError } from "./errors.ts";
import { validatedBody } from "./openapi-schemas.ts";

export class RequestBody<S extends z.ZodType<object>> {
  readonly content: {
    "application/json": { schema: S; example: Record<string, unknown> };
    "application/x-www-form-urlencoded": { schema: S; example: Record<string, unknown> };
  };
  /** Per request: the body validated once, whoever asks first. */
  readonly #read = new WeakMap<Request, Promise<z.output<S>>>();

  constructor(
    readonly schema: S,
    example: Record<string, unknown>,
    readonly required: boolean,
  ) {
    this.content = { "application/json": { schema, example }, "application/x-www-form-urlencoded": { schema, example } };
  }

  /** The request's body (parsed by `parsed`), validated; a failure is the 4xx naming the param at fault. */
  read(request: Request, parsed: AppEnv["Variables"]["body"]): Promise<z.output<S>> {
    let read = this.#read.get(request);
    if (!read) {
      read = this.#validate(parsed);
      this.#read.set(request, read);
    }
    return read;
  }

  async #validate(parsed: AppEnv["Variables"]["body"]): Promise<z.output<S>> {
    const body = await parsed();
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw errors.invalidRequest("invalid_body", "The request body must be an object.");
    }
    const result = await this.schema.safeParseAsync(body);
    if (!result.success) throw validationError(result.error);
    return result.data;
  }

  /** How the OpenAPI document shows it: plain JSON Schema for both media types, with deepObject encoding for forms. */
  documentation() {
    return validatedBody(this.schema, this.content["application/json"].example, { required: this.required });
  }
}

/** A body that is JSON or form-encoded, validated by `schema`; with `required: false`, no body is {}. */
export function jsonOrForm<S extends z.ZodType<object>>(schema: S, example: Record<string, unknown>, { required = true } = {}): RequestBody<S> {
  return new RequestBody(schema, example, required);
}
