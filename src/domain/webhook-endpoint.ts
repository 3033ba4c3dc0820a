// Webhook endpoints: account-wide subscriptions to event types, each with its
// own signing secret, beside the per-message status_callback (issue 27).
import { z } from "zod";
import { ALL_EVENTS, SUBSCRIBABLE_EVENT_TYPES } from "./event-types.ts";

/** At most this many endpoints per account. */
export const MAX_ENDPOINTS = 20;

type DisabledReason = "manual" | "failing";

/** An endpoint as stored. */
export interface WebhookEndpoint {
  id: string;
  accountId: string;
  url: string;
  description: string;
  enabledEvents: string[];
  metadata: Record<string, string> | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  disabled: boolean;
  disabledReason: DisabledReason | null;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryOutcome = "delivered" | "retry_scheduled" | "abandoned" | "disabled";
export const DELIVERY_OUTCOMES = ["delivered", "retry_scheduled", "abandoned", "disabled"] as const satisfies readonly DeliveryOutcome[];

/** One attempt at one event to one endpoint, as the delivery log stores it. */
export interface WebhookDelivery {
  id: string;
  accountId: string;
  endpointId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  messageId: string | null;
  attempt: number;
  statusCode: number | null;
  durationMs: number | null;
  outcome: DeliveryOutcome;
  error: string | null;
  nextRetryAt: number | null;
  createdAt: number;
}

/** What a message's object keeps of an endpoint (no secret, no URL: those are asked of the gate at each send). */
export interface EndpointSubscription {
  id: string;
  events: string[];
}

/** The Standard Webhooks webhook-id of an event sent to an endpoint: stable per (event, endpoint). */
export function endpointWebhookId(eventId: string, endpointId: string): string {
  return `${eventId}_${endpointId}`;
}

const eventTypeSchema = z.string().refine((type) => type === ALL_EVENTS || SUBSCRIBABLE_EVENT_TYPES.includes(type), {
  message: `Unknown event type: use "*" or types from the catalogue (${SUBSCRIBABLE_EVENT_TYPES.join(", ")}).`,
});

const enabledEventsSchema = z
  .array(eventTypeSchema)
  .min(1)
  .max(SUBSCRIBABLE_EVENT_TYPES.length + 1)
  .transform((events) => [...new Set(events)])
  .meta({ description: 'The event types sent to this endpoint, or ["*"] for every type (including types added later)' });

const metadataSchema = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((metadata) => Object.keys(metadata).length <= 20, { message: "At most 20 metadata keys." })
  .meta({ description: "Up to 20 keys of your own (40 characters each) with string values (500 characters)" });

const urlSchema = z.string().min(1).max(2048).meta({ description: "Where events are POSTed; the rules of status_callback apply" });
const descriptionSchema = z.string().max(500);

export const createEndpointSchema = z.strictObject({
  url: urlSchema,
  enabled_events: enabledEventsSchema,
  description: descriptionSchema.optional(),
  metadata: metadataSchema.optional(),
});

export const updateEndpointSchema = z.strictObject({
  url: urlSchema.optional(),
  enabled_events: enabledEventsSchema.optional(),
  description: descriptionSchema.optional(),
  metadata: metadataSchema.optional(),
  disabled: z.boolean().optional().meta({ description: "true disables the endpoint; false enables it again (nothing old is re-sent)" }),
});

export type CreateEndpointInput = z.output<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.output<typeof updateEndpointSchema>;

/** The endpoint as the API shows it: never its secret (GET /:id/secret shows that). */
export function toEndpointObject(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    object: "webhook_endpoint" as const,
    url: endpoint.url,
    description: endpoint.description,
    enabled_events: endpoint.enabledEvents,
    metadata: endpoint.metadata ?? {},
    status: endpoint.disabled ? ("disabled" as const) : ("enabled" as const),
    disabled_reason: endpoint.disabledReason,
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}

export function toDeliveryObject(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    object: "webhook_delivery" as const,
    endpoint_id: delivery.endpointId,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    message_id: delivery.messageId,
    attempt: delivery.attempt,
    status_code: delivery.statusCode,
    duration_ms: delivery.durationMs,
    outcome: delivery.outcome,
    error: delivery.error,
    next_retry_at: delivery.nextRetryAt,
    created_at: delivery.createdAt,
  };
}
