// Console sign-in links and sessions: 256-bit random tokens, of which only
// the SHA-256 is stored. Shared by the Worker and `npm run keys -- console-link`.
import { hex, sha256Hex } from "../domain/hash.ts";

export function generateConsoleToken(): string {
  return hex(crypto.getRandomValues(new Uint8Array(32)));
}

export function hashConsoleToken(token: string): Promise<string> {
  return sha256Hex(token);
}

/** Every form's CSRF token is derived from the session's secret token: nothing more to store, and useless without the cookie. */
export function csrfTokenFor(sessionToken: string): Promise<string> {
  return sha256Hex(`csrf:${sessionToken}`);
}

/** Sign-in links work for 15 minutes, once. */
export const LINK_TTL_SECONDS = 15 * 60;
/** A session ends after 12 hours without a request, and 7 days after sign-in whatever happens. */
export const SESSION_IDLE_SECONDS = 12 * 60 * 60;
export const SESSION_MAX_SECONDS = 7 * 24 * 60 * 60;
