// What a rule or a service answers when the input cannot be used as given: a
// problem naming the parameter at fault, never an HTTP error. The HTTP layer
// maps a problem onto the API's one error envelope (src/http/errors.ts).

export interface Problem {
  /** The parameter at fault, in the API's bracket notation (e.g. content[template_id]). */
  param: string;
  /** A stable, machine-readable code (e.g. parameter_invalid, resource_missing). */
  code: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export const succeed = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (param: string, code: string, message: string): { ok: false; problem: Problem } => ({
  ok: false,
  problem: { param, code, message },
});
