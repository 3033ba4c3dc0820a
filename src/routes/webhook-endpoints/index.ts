import { createRouter } from "../../http/router.ts";
import * as handlers from "./webhook-endpoints.handlers.ts";
import * as routes from "./webhook-endpoints.routes.ts";

export const webhookEndpointsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.secret, handlers.secret)
  .openapi(routes.rollSecret, handlers.rollSecret)
  .openapi(routes.deliveries, handlers.deliveries)
  .openapi(routes.retryDelivery, handlers.retryDelivery)
  .openapi(routes.test, handlers.test);

webhookEndpointsRouter.openAPIRegistry.registerWebhook(routes.endpointWebhook);
