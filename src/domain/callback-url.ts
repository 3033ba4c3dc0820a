// SSRF guard for customer webhook URLs, applied when a message is created and
// again before every delivery. Nothing is resolved here: live callbacks must
// name a public host by DNS name over https, so an IP literal or an internal
// name is refused outright. Test mode also allows http and loopback, so a
// developer can point callbacks at a receiver on their own machine.
import ipaddr from "ipaddr.js";
import type { Mode } from "./account.ts";

const MAX_URL_LENGTH = 2048;
const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp"];
const LOOPBACK_NAMES = ["localhost"];

/** Why a callback URL is refused for this mode, or null when it is acceptable. */
export function callbackUrlProblem(raw: string, mode: Mode): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not contain credentials";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const literal = ipLiteral(host);
  const loopback = LOOPBACK_NAMES.includes(host) || host.endsWith(".localhost") || literal?.range() === "loopback";

  if (mode === "test") {
    if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
    if (loopback) return null;
    if (literal && literal.range() !== "unicast") return "must not point to a private, link-local or reserved address";
    return internalName(host) ? "must name a public host" : null;
  }
  if (url.protocol !== "https:") return "must be an https URL";
  if (literal) return "must name a host by DNS name, not an IP address";
  if (loopback || internalName(host)) return "must name a public host";
  return null;
}

function ipLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  // ipaddr.process maps IPv4-mapped IPv6 (::ffff:10.0.0.1) to its IPv4 range.
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

function internalName(host: string): boolean {
  // A single label ("metadata", "intranet") only resolves inside a network.
  return !host.includes(".") || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
