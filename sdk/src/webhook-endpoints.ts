// Webhook endpoints: account-wide subscriptions to event types, each with its own signing secret.
import type { Client } from "openapi-fetch";
import { unwrap } from "./errors.js";
import type { components, paths } from "./schema.js";

export type WebhookEndpoint = components["schemas"]["WebhookEndpoint"];
export type WebhookEndpointWithSecret = components["schemas"]["WebhookEndpointWithSecret"];
export type WebhookEndpointList = components["schemas"]["WebhookEndpointList"];
export type WebhookEndpointSecret = components["schemas"]["WebhookEndpointSecret"];
export type WebhookDeliveryList = components["schemas"]["WebhookDeliveryList"];
export type WebhookDeliveryRetry = components["schemas"]["WebhookDeliveryRetry"];
export type WebhookEndpointTest = components["schemas"]["WebhookEndpointTest"];
export type CreateWebhookEndpointParams = paths["/v1/webhook_endpoints"]["post"]["requestBody"]["content"]["application/json"];
export type UpdateWebhookEndpointParams = paths["/v1/webhook_endpoints/{id}"]["post"]["requestBody"]["content"]["application/json"];
export type ListWebhookDeliveriesParams = NonNullable<paths["/v1/webhook_endpoints/{id}/deliveries"]["get"]["parameters"]["query"]>;

export class WebhookEndpoints {
  readonly #client: Client<paths>;

  constructor(client: Client<paths>) {
    this.#client = client;
  }

  /** POST /v1/webhook_endpoints: the endpoint with its signing secret (shown here and by `secret` only). */
  async create(params: CreateWebhookEndpointParams): Promise<WebhookEndpointWithSecret> {
    return unwrap(await this.#client.POST("/v1/webhook_endpoints", { body: params }));
  }

  /** GET /v1/webhook_endpoints/{id}. */
  async retrieve(id: string): Promise<WebhookEndpoint> {
    return unwrap(await this.#client.GET("/v1/webhook_endpoints/{id}", { params: { path: { id } } }));
  }

  /** GET /v1/webhook_endpoints: one page, in order of id. */
  async listPage(query: { limit?: number; cursor?: string } = {}): Promise<WebhookEndpointList> {
    return unwrap(await this.#client.GET("/v1/webhook_endpoints", { params: { query } }));
  }

  /** POST /v1/webhook_endpoints/{id}: changes what is given (`disabled: false` re-sends nothing old). */
  async update(id: string, params: UpdateWebhookEndpointParams): Promise<WebhookEndpoint> {
    return unwrap(await this.#client.POST("/v1/webhook_endpoints/{id}", { params: { path: { id } }, body: params }));
  }

  /** DELETE /v1/webhook_endpoints/{id}. */
  async delete(id: string): Promise<void> {
    unwrap(await this.#client.DELETE("/v1/webhook_endpoints/{id}", { params: { path: { id } } }));
  }

  /** GET /v1/webhook_endpoints/{id}/secret. */
  async secret(id: string): Promise<WebhookEndpointSecret> {
    return unwrap(await this.#client.GET("/v1/webhook_endpoints/{id}/secret", { params: { path: { id } } }));
  }

  /** POST /v1/webhook_endpoints/{id}/secret/roll: a new secret; the old one signs beside it for 24 hours. */
  async rollSecret(id: string): Promise<WebhookEndpointSecret> {
    return unwrap(await this.#client.POST("/v1/webhook_endpoints/{id}/secret/roll", { params: { path: { id } } }));
  }

  /** GET /v1/webhook_endpoints/{id}/deliveries: one page of attempts, newest first, optionally of one outcome. */
  async deliveries(id: string, query: ListWebhookDeliveriesParams = {}): Promise<WebhookDeliveryList> {
    return unwrap(await this.#client.GET("/v1/webhook_endpoints/{id}/deliveries", { params: { path: { id }, query } }));
  }

  /** POST /v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry: the same event, same webhook-id, fresh schedule. */
  async retryDelivery(id: string, deliveryId: string): Promise<WebhookDeliveryRetry> {
    return unwrap(await this.#client.POST("/v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry", { params: { path: { id, delivery_id: deliveryId } } }));
  }

  /** POST /v1/webhook_endpoints/{id}/test: sends a signed endpoint.test event now; what the endpoint answered. */
  async test(id: string): Promise<WebhookEndpointTest> {
    return unwrap(await this.#client.POST("/v1/webhook_endpoints/{id}/test", { params: { path: { id } } }));
  }
}
