// Stand-ins for the outside world's HTTP servers: a fetch mock that records
// every request to the given hosts and answers with the responses a test
// queues up, else with the host's default answer. Other hosts pass through to
// the catch-all in vitest.config.ts, which refuses them without leaving the machine.
import { afterEach, beforeEach, vi } from "vitest";
import { bodyText } from "../../src/http/body.ts";

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string;
}

/** A response, or a promise of one: a test can hold an answer open (test/support/hold.ts). */
type Responder = (request: RecordedRequest) => Response | Promise<Response>;

export interface FakeHttp {
  requests: RecordedRequest[];
  /**
   * The next calls answer with these, in order. Factories, not Responses: a
   * Response made here could not be used from a Durable Object's own request context.
   */
  respondWith(...responses: Responder[]): void;
  restore(): void;
}

// One fetch spy serves every fake (vi.spyOn on an already spied fetch would
// return the same spy): each fake registers the hosts it answers for.
const hosts = new Map<string, Responder>();
const realFetch = globalThis.fetch;

function intercept(): void {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const handle = hosts.get(url.hostname);
    // A receiver host no fake answers any more (a retry left over from an
    // earlier test): it is gone, so the retry stops instead of going out.
    if (!handle && url.hostname.endsWith(".customer.example.com")) return new Response(null, { status: 410 });
    if (!handle) return realFetch(input, init);
    return handle({ url, method: request.method, headers: request.headers, body: await bodyText(request) });
  });
}

function fakeHttp(defaults: Record<string, Responder>): FakeHttp {
  const requests: RecordedRequest[] = [];
  const queued: Responder[] = [];
  intercept();
  for (const [host, respond] of Object.entries(defaults)) {
    hosts.set(host, (request) => {
      requests.push(request);
      return (queued.shift() ?? respond)(request);
    });
  }
  return {
    requests,
    respondWith: (...responses) => queued.push(...responses),
    restore: () => {
      for (const host of Object.keys(defaults)) hosts.delete(host);
    },
  };
}

/** The providers' APIs at the fake hosts vitest.config.ts points the adapters to, answering as documented. */
export function fakeProviders(): FakeHttp {
  return fakeHttp({
    "twilio.fake": () => Response.json({ sid: `SM${crypto.randomUUID().replaceAll("-", "")}`, status: "queued" }, { status: 201 }),
    "graph.fake": (request) => {
      const { to } = JSON.parse(request.body) as { to: string };
      return Response.json({ messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${crypto.randomUUID()}` }] });
    },
    "resend.fake": () => Response.json({ id: crypto.randomUUID() }),
  });
}

/** Fake providers around every test of the calling file, removed (with every other mock) after each. */
export function useFakeProviders(): void {
  let fake: FakeHttp;
  beforeEach(() => {
    fake = fakeProviders();
  });
  afterEach(() => {
    fake.restore();
    vi.restoreAllMocks();
  });
}

/** A customer's webhook receiver on a host of its own, answering 200 unless told otherwise. */
export function fakeReceiver(): FakeHttp & { url: string } {
  const host = `hooks-${crypto.randomUUID().slice(0, 8)}.customer.example.com`;
  return { ...fakeHttp({ [host]: () => new Response("ok") }), url: `https://${host}/omniflow` };
}

/**
 * A DNS-over-HTTPS resolver (the JSON dialect, as Cloudflare's answers it) at
 * the host vitest.config.ts points DNS_OVER_HTTPS_URL to: NXDOMAIN for a name
 * with no record published, else its TXT records, each a quoted string.
 */
export function fakeDns(): FakeHttp & { publishTxt(name: string, value: string): void } {
  const zone = new Map<string, string[]>();
  const fake = fakeHttp({
    "doh.fake": ({ url }) => {
      const name = url.searchParams.get("name") ?? "";
      const records = zone.get(name);
      const answer = (records ?? []).map((value) => ({ name, type: 16, TTL: 300, data: `"${value}"` }));
      return Response.json(
        {
          Status: records ? 0 : 3,
          TC: false,
          RD: true,
          RA: true,
          AD: false,
          CD: false,
          Question: [{ name, type: 16 }],
          ...(records ? { Answer: answer } : {}),
        },
        { headers: { "Content-Type": "application/dns-json" } },
      );
    },
  });
  return { ...fake, publishTxt: (name, value) => zone.set(name, [...(zone.get(name) ?? []), value]) };
}
