// The API's errors as exceptions: every method of the client unwraps its answer here.
import type { components } from "./schema.js";

type ErrorBody = components["schemas"]["Error"];

/** A non-2xx answer of the API, with the fields of its error object. */
export class OmniFlowError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;
  /** The X-Request-Id to quote to support. */
  readonly requestId: string | null;

  constructor(response: Response, body: unknown) {
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    super(error?.message ?? `OmniFlow answered HTTP ${response.status}`);
    this.name = "OmniFlowError";
    this.status = response.status;
    this.type = error?.type ?? "api_error";
    this.code = error?.code ?? "unexpected_response";
    this.param = error?.param;
    this.requestId = response.headers.get("x-request-id");
  }
}

export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw new OmniFlowError(result.response, result.error);
  return result.data;
}
