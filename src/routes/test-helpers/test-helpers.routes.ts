import { createRoute } from "@hono/zod-openapi";
import { simulateInboundSchema } from "../../domain/inbound.ts";
import { apiKey } from "../../http/auth.ts";
import { bodyErrors, commonErrors } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { MessageSchema } from "../messages/messages.schemas.ts";

export const simulateInbound = createRoute({
  operationId: "simulateInboundMessage",
  method: "post",
  path: "/v1/test_helpers/inbound_messages",
  tags: ["Test helpers"],
  summary: "Simulate an inbound reply (test keys)",
  description:
    "A reply from `from` to your sender `to`, handled exactly as a provider's inbound webhook would be: stored as a message with direction `inbound` and status `received`, applied to the suppression list when it is a stop word (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) or a start word (START, UNSTOP, YES), and posted to your inbound_callback as `message.received`. With a live key this route does not exist (404).",
  request: { body: jsonOrForm(simulateInboundSchema, { channel: "SMS", from: "+14155550123", to: "+15005550006", text: "STOP" }) },
  // To a live key this route does not exist.
  middleware: apiKey({ testModeOnly: true }),
  responses: {
    201: { content: { "application/json": { schema: MessageSchema } }, description: "The inbound message, received" },
    ...commonErrors,
    ...bodyErrors,
  },
});
