import { createRouter } from "../../http/router.ts";
import * as handlers from "./messages.handlers.ts";
import * as routes from "./messages.routes.ts";

export const messagesRouter = createRouter()
  .openapi(routes.create, handlers.create)
  // Before /v1/messages/{id}, which would otherwise take "preview" for an id.
  .openapi(routes.preview, handlers.preview)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.listEvents, handlers.listEvents)
  .openapi(routes.retryWebhook, handlers.retryWebhook)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.redact, handlers.redact);

messagesRouter.openAPIRegistry.registerWebhook(routes.statusWebhook);
