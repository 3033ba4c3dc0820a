// What identifies a request's parameters for Idempotency-Key checks. The body
// is compared after parsing, as the flat list of bracket-notation pairs a form
// would send (content[variables][code]=849201), sorted, with every value as a
// string. So the JSON and form encodings of one request, in any key order,
// have the same fingerprint; JSON 849201 and "849201" are the same parameter,
// as they are to the API.
import { sha256Hex } from "./hash.ts";

function formPairs(value: unknown, name: string, pairs: [string, string][]): [string, string][] {
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) formPairs(child, name === "" ? key : `${name}[${key}]`, pairs);
  } else {
    pairs.push([name, value === null || value === undefined ? "" : String(value)]);
  }
  return pairs;
}

function canonicalParams(params: unknown): string {
  const pairs = formPairs(params, "", []).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(pairs);
}

/** SHA-256 (hex) of the method, path and canonical parameters. */
export function requestFingerprint(method: string, path: string, params: unknown): Promise<string> {
  return sha256Hex(`${method.toUpperCase()} ${path}\n${canonicalParams(params)}`);
}
