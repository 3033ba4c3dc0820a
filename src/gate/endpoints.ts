// The account's webhook endpoints, as its gate holds them: read from D1 on
// first use and after every change told through the API (GateChange.endpoints);
// also read again off the request path once older than RELOAD_AFTER_MS, for a
// notice that failed after its write committed. A message create learns from
// here whether the account has any enabled endpoint (so a message of an
// account without endpoints costs nothing more), a message's object which
// ones it fans out to, and each send the endpoint's URL and secrets.
import type { Database } from "../db/client.ts";
import { accountEndpoints } from "../db/webhook-endpoints.ts";
import { unixSeconds } from "../domain/ids.ts";
import type { EndpointSubscription, WebhookEndpoint } from "../domain/webhook-endpoint.ts";
import { logger } from "../log.ts";

const RELOAD_AFTER_MS = 60_000;

/** What a send to an endpoint needs: where, signed with which secrets (current first). */
export interface EndpointTarget {
  url: string;
  secrets: string[];
}

export class EndpointCache {
  #loaded: { endpoints: WebhookEndpoint[]; at: number } | null = null;
  #generation = 0;

  constructor(
    private readonly db: Database,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** An endpoint was created, changed or deleted: read again on next use. */
  changed(): void {
    this.#generation++;
    this.#loaded = null;
  }

  /** The enabled endpoints and the events each takes. */
  async subscriptions(accountId: string): Promise<EndpointSubscription[]> {
    const endpoints = await this.#endpoints(accountId);
    return endpoints.filter((endpoint) => !endpoint.disabled).map((endpoint) => ({ id: endpoint.id, events: endpoint.enabledEvents }));
  }

  /** Where and how to send to this endpoint now; null when it is disabled or deleted. */
  async target(accountId: string, endpointId: string): Promise<EndpointTarget | null> {
    const endpoint = (await this.#endpoints(accountId)).find((candidate) => candidate.id === endpointId);
    if (!endpoint || endpoint.disabled) return null;
    const previousValid = endpoint.previousSecret && (endpoint.previousSecretExpiresAt ?? 0) > unixSeconds();
    return { url: endpoint.url, secrets: previousValid ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret] };
  }

  async #endpoints(accountId: string): Promise<WebhookEndpoint[]> {
    const loaded = this.#loaded;
    if (!loaded) return this.#read(accountId);
    if (Date.now() - loaded.at > RELOAD_AFTER_MS) {
      loaded.at = Date.now(); // one reload at a time
      this.waitUntil(this.#read(accountId).catch((error) => logger.warn("endpoints_reload_failed", { account_id: accountId, error })));
    }
    return loaded.endpoints;
  }

  async #read(accountId: string): Promise<WebhookEndpoint[]> {
    const generation = this.#generation;
    const endpoints = await accountEndpoints(this.db, accountId);
    // A read that began before a change is not kept after it.
    if (generation === this.#generation) this.#loaded = { endpoints, at: Date.now() };
    return endpoints;
  }
}
