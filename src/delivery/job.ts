// What the delivery Queue carries: the message id (the consumer and the
// message's Durable Object read the rest from D1), and whether its account has
// webhook endpoints, so a message of an account without any asks nothing more.

export interface DeliveryJob {
  messageId: string;
  /** Whether the account had webhook endpoints at the create (absent: unknown, the object asks its gate). */
  endpoints?: boolean;
}

export function deliveryJob(messageId: string, endpoints?: boolean): MessageSendRequest<DeliveryJob> {
  return { body: { messageId, ...(endpoints === undefined ? {} : { endpoints }) }, contentType: "json" };
}
