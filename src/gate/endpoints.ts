// The account's webhook endpoints, as its gate holds them. The account's load
// (every RELOAD_AFTER_MS while it is busy, account-gate.ts) counts its enabled
// endpoints with the account's own row, so a message create learns whether
// there are any without a statement of its own (an account without endpoints
// costs nothing more). The list itself is read from D1 when a message's object
// or a send first asks for it, and again after every change told through the
// API (GateChange.endpoints) and every reload of the account (which also
// repairs a notice that failed after its write committed). A message's object
// learns from here which endpoints it fans out to, and each send the
// endpoint's URL and secrets.
import type { Database } from "../db/client.ts";
import { accountEndpoints } from "../db/webhook-endpoints.ts";
import { unixSeconds } from "../domain/ids.ts";
import type { EndpointSubscription, WebhookEndpoint } from "../domain/webhook-endpoint.ts";

/** What a send to an endpoint needs: where, signed with which secrets (current first). */
export interface EndpointTarget {
  url: string;
  secrets: string[];
}

export class EndpointCache {
  #list: WebhookEndpoint[] | null = null;
  /** The enabled endpoints the account's load counted; null: unknown (changed since), the list is read. */
  #enabled: number | null = null;
  /** Bumped by every change: a read that began before one is not kept after it. */
  #generation = 0;

  constructor(private readonly db: Database) {}

  /** The account was (re)loaded, counting `enabled` endpoints: the list is read again on next use. */
  reset(enabled: number | null): void {
    this.#generation++;
    this.#list = null;
    this.#enabled = enabled;
  }

  /** An endpoint was created, changed or deleted: read again on next use. */
  changed(): void {
    this.reset(null);
  }

  /** Whether the account has an enabled endpoint: the load's count while it holds, else from the list. */
  async any(accountId: string): Promise<boolean> {
    if (this.#enabled !== null) return this.#enabled > 0;
    return (await this.subscriptions(accountId)).length > 0;
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
    if (this.#list) return this.#list;
    const generation = this.#generation;
    const endpoints = await accountEndpoints(this.db, accountId);
    if (generation === this.#generation) this.#list = endpoints;
    return endpoints;
  }
}
