// What every Console response carries: a strict Content-Security-Policy with a
// fresh nonce per response (no inline script without it), no framing, no
// referrer leaving the site, no caching of pages that show account data.
import { createMiddleware } from "hono/factory";
import type { ConsoleEnv } from "./context.ts";

export const securityHeaders = createMiddleware<ConsoleEnv>(async (c, next) => {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  c.set("nonce", nonce);
  await next();
  c.header(
    "Content-Security-Policy",
    [
      "default-src 'none'",
      `script-src 'self' 'nonce-${nonce}'`,
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self' data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", "no-store");
});

/** Whether the request came to this machine: the one case where cookies go without Secure (plain http). */
export function isLocalhost(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}
