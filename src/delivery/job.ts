// What the delivery Queue carries: just the message id; the consumer and the
// message's Durable Object read the rest from D1.

export interface DeliveryJob {
  messageId: string;
}

export function deliveryJob(messageId: string): MessageSendRequest<DeliveryJob> {
  return { body: { messageId }, contentType: "json" };
}
