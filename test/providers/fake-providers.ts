// Stand-ins for the providers' HTTP APIs: a fetch mock that records every
// request to the fake hosts configured in vitest.config.ts and answers with
// the responses a test queues up (else the provider's documented success).
import { vi } from "vitest";
import { bodyText } from "../../src/http/body.ts";

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string;
}

type Responder = (request: RecordedRequest) => Response;

const SUCCESS: Record<string, Responder> = {
  "twilio.fake": () => Response.json({ sid: `SM${crypto.randomUUID().replaceAll("-", "")}`, status: "queued" }, { status: 201 }),
  "graph.fake": (request) =>
    Response.json({
      messaging_product: "whatsapp",
      contacts: [{ input: JSON.parse(request.body).to, wa_id: JSON.parse(request.body).to }],
      messages: [{ id: `wamid.${crypto.randomUUID()}` }],
    }),
  "resend.fake": () => Response.json({ id: crypto.randomUUID() }),
};

export function fakeProviders() {
  const requests: RecordedRequest[] = [];
  const queued: Responder[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const respond = SUCCESS[url.hostname];
    if (!respond) return realFetch(input, init);
    const recorded = { url, method: request.method, headers: request.headers, body: await bodyText(request) };
    requests.push(recorded);
    return (queued.shift() ?? respond)(recorded);
  });
  return {
    requests,
    /**
     * The next provider calls answer with these, in order. Factories, not
     * Responses: a Response made here could not be used from the Durable
     * Object's own request context.
     */
    respondWith(...responses: (() => Response)[]) {
      queued.push(...responses);
    },
    restore: () => spy.mockRestore(),
  };
}
