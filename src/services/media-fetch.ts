// A file given by `url`, fetched once at create under the status_callback
// rules (src/domain/callback-url.ts): live keys a public https host by name,
// test keys also loopback for local development. A redirect is not followed
// (its target was never checked), and the body is read up to what the
// message may still carry, so a huge or endless answer costs no more.
import type { Mode } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";

const FETCH_TIMEOUT_MS = 15_000;

/** `tooLarge`: the file is larger than `maxBytes` (a 413 for the create, not a 400). */
export type Fetched = { ok: true; value: Uint8Array } | { ok: false; problem: string; tooLarge?: true };

const TOO_LARGE: Fetched = { ok: false, problem: "the file is too large", tooLarge: true };

export async function fetchMedia(url: string, mode: Mode, maxBytes: number): Promise<Fetched> {
  const refused = callbackUrlProblem(url, mode);
  if (refused) return { ok: false, problem: refused };
  let response: Response;
  try {
    response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    return { ok: false, problem: "the file could not be fetched (no answer)" };
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    return { ok: false, problem: `the file's URL answered a redirect (${response.status}); give its final URL` };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { ok: false, problem: `the file's URL answered ${response.status}` };
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    return TOO_LARGE;
  }
  return readUpTo(response.body, maxBytes);
}

async function readUpTo(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Fetched> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, value: bytes };
}
