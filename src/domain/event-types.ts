// The one catalogue of event types: every event OmniFlow delivers as a webhook
// (to a message's status_callback, the account's inbound_callback, or a
// webhook endpoint subscribed to it), with who emits it. Validation of an
// endpoint's enabled_events, the OpenAPI document's `webhooks` and the docs
// all read it. Adding a type is one line in EVENT_TYPES.

/** Who emits an event: the message's Durable Object, the account's gate, the endpoint API itself, or a verification's Durable Object. */
type EventOwner = "message" | "account" | "endpoint" | "verification";

interface EventTypeEntry {
  description: string;
  owner: EventOwner;
  /** False for an event no endpoint subscribes to: endpoint.test (sent to one endpoint on request). */
  subscribable?: false;
}

const STATUS_EVENTS = {
  "message.scheduled": "A message was created with a send_at: it waits for its send time.",
  "message.queued": "A message is queued for its provider.",
  "message.sent": "The provider accepted the message.",
  "message.delivered": "The provider reported the message delivered.",
  "message.read": "The recipient read the message (WhatsApp).",
  "message.undelivered": "The provider could not deliver the message.",
  "message.failed": "The message failed: refused, suppressed, or abandoned after its retries.",
  "message.canceled": "A scheduled message was canceled.",
  "message.expired": "The message's validity_period ended before it was delivered.",
  "message.attempt.sent": "A fallback step's provider accepted it (the message's status did not change).",
  "message.attempt.delivered": "A step was delivered after the message moved on.",
  "message.attempt.read": "A step was read after the message moved on.",
  "message.attempt.undelivered": "A step could not be delivered: the next fallback step starts.",
  "message.attempt.failed": "A step failed: the next fallback step starts.",
  "message.attempt.expired": "A step's validity ended: the next fallback step starts.",
  "message.received": "An inbound message arrived on one of the account's senders.",
} as const;

/** A verification's events, posted to its status_callback and to the account's endpoints subscribed to them (docs/verify.md). */
const VERIFICATION_EVENTS = {
  "verification.pending": "A verification was started: its first message is queued.",
  "verification.approved": "The right code was checked.",
  "verification.canceled": "A pending verification was canceled.",
  "verification.expired": "The code's expires_at passed before it was checked.",
  "verification.max_attempts_reached": "The fifth wrong code ended the verification.",
} as const;

/** Every event type, with its description and owner. */
export const EVENT_TYPES = {
  ...Object.fromEntries(Object.entries(STATUS_EVENTS).map(([type, description]) => [type, { description, owner: "message" }])),
  "suppression.created": { description: "A recipient was added to the suppression list (a STOP, a bounce, a complaint, or the API).", owner: "account" },
  "suppression.deleted": { description: "A recipient was removed from the suppression list.", owner: "account" },
  "sender.verified": { description: "A sender's ownership was verified: it can send.", owner: "account" },
  "usage.threshold_reached": {
    description: "The account's spend in a day or month reached one of its usage_alerts' threshold (POST /v1/account): once per alert and window.",
    owner: "account",
  },
  "batch.completed": {
    description: "Every message of a batch (POST /v1/messages/batch) reached a final status: once per batch, with its counts per status.",
    owner: "account",
  },
  "endpoint.disabled": { description: "One of the account's webhook endpoints was disabled after 5 days of failed deliveries.", owner: "account" },
  "endpoint.test": { description: "Sent by POST /v1/webhook_endpoints/:id/test to that endpoint alone.", owner: "endpoint", subscribable: false },
  ...Object.fromEntries(Object.entries(VERIFICATION_EVENTS).map(([type, description]) => [type, { description, owner: "verification" }])),
} as const satisfies Record<string, EventTypeEntry> as Record<string, EventTypeEntry>;

/** The types an endpoint may list in enabled_events (besides "*"). */
export const SUBSCRIBABLE_EVENT_TYPES: string[] = Object.entries(EVENT_TYPES)
  .filter(([, entry]) => entry.subscribable !== false)
  .map(([type]) => type);

/** Subscribes to every subscribable type, including those added later. */
export const ALL_EVENTS = "*";

/** Whether an endpoint with these enabled_events receives events of `type`. */
export function subscribes(enabledEvents: readonly string[], type: string): boolean {
  if (EVENT_TYPES[type]?.subscribable === false) return false;
  return enabledEvents.includes(ALL_EVENTS) || enabledEvents.includes(type);
}
