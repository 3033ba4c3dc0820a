// DNS over HTTPS (the JSON dialect Cloudflare's and Google's resolvers serve):
// how an email sender's TXT record is read. A Worker has no resolver of its own.
import { txtStrings } from "../domain/sender-verification.ts";

const DOH_TIMEOUT_MS = 5_000;

/** The TXT strings at `name`, or why the resolver could not say (a failure worth retrying later). */
export async function lookupTxt(endpoint: string, name: string): Promise<{ records: string[] } | { error: string }> {
  const url = new URL(endpoint);
  url.searchParams.set("name", name);
  url.searchParams.set("type", "TXT");
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(DOH_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { error: timedOut ? "the DNS resolver did not answer in time" : "the DNS resolver could not be reached" };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { error: `the DNS resolver answered HTTP ${response.status}` };
  }
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    return { error: "the DNS resolver sent an answer that is not DNS JSON" };
  }
  return txtStrings(answer);
}
