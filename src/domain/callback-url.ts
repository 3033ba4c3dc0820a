// SSRF guard for customer webhook URLs, applied when a message is created and
// again before every delivery. Nothing is resolved here: live callbacks must
// name a public host by DNS name over https, on the https port, so an IP
// literal, an internal name or another service's port is refused outright.
// Test mode also allows http, loopback and any port, so a developer can point
// callbacks at a receiver on their own machine.
import ipaddr from "ipaddr.js";
import type { Mode } from "./account.ts";

const MAX_URL_LENGTH = 2048;
// Names that never resolve to a public host: reserved by RFC 2606/6761 (.test,
// .example, .invalid, .localhost), multicast DNS (.local, RFC 6762), the
// infrastructure and reverse-lookup domain (.arpa, which holds .home.arpa of
// RFC 8375), and the suffixes resolvers, routers and companies answer locally.
const INTERNAL_SUFFIXES = [
  ".localhost",
  ".local",
  ".localdomain",
  ".internal",
  ".intranet",
  ".lan",
  ".home",
  ".corp",
  ".test",
  ".invalid",
  ".example",
  ".arpa",
];
const LOOPBACK_NAMES = ["localhost"];
// url.port is "" for the scheme's default port (443 for https).
const LIVE_PORTS = ["", "443", "8443"];

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
  if (mode === "test" && url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (mode === "live" && url.protocol !== "https:") return "must be an https URL";

  const host = url.hostname.toLowerCase();
  const literal = ipLiteral(host);
  // A trailing dot is an empty last label; "localhost.." and "a..b" have more.
  // No public host needs one, and stripping them would let a name in by a
  // spelling the suffix checks below do not see.
  if (!literal && host.split(".").includes("")) return "must name a host without empty labels or a trailing dot";
  const loopback = LOOPBACK_NAMES.includes(host) || host.endsWith(".localhost") || literal?.range() === "loopback";

  if (mode === "test") {
    if (loopback) return null;
    if (literal && literal.range() !== "unicast") return "must not point to a private, link-local or reserved address";
    return internalName(host) ? "must name a public host" : null;
  }
  if (literal) return "must name a host by DNS name, not an IP address";
  if (loopback || internalName(host)) return "must name a public host";
  // Another port is another service (6379, 22...): a callback must not be a
  // way to probe them, as webhook.attempt events report status and duration.
  if (!LIVE_PORTS.includes(url.port)) return "must use the https port 443 (the default) or 8443";
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
