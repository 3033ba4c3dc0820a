import { createRouter } from "../../http/router.ts";
import * as handlers from "./messages.handlers.ts";
import * as routes from "./messages.routes.ts";

export const messagesRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.retryWebhook, handlers.retryWebhook)
  .openapi(routes.redact, handlers.redact);

messagesRouter.openAPIRegistry.registerWebhook(routes.statusWebhook);
