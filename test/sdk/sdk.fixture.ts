// The SDK (sdk/) against the Worker: every request goes through the Worker's own fetch.
import { exports } from "cloudflare:workers";
import { OmniFlow } from "../../sdk/src/index.ts";

/** A client whose requests the Worker answers in-process; each request is also kept in `seen`. */
export function clientFor(apiKey: string, seen: Request[] = []) {
  return new OmniFlow({
    apiKey,
    baseUrl: "http://api.omniflow.test",
    fetch: (request) => {
      seen.push(request.clone());
      return exports.default.fetch(request);
    },
  });
}
