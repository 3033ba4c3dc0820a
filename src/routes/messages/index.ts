import { createRouter } from "../../app.ts";
import * as handlers from "./messages.handlers.ts";
import * as routes from "./messages.routes.ts";

export const messagesRouter = createRouter()
  .openapi(routes.createMessage, handlers.createHandler)
  .openapi(routes.listMessages, handlers.listHandler)
  .openapi(routes.retrieveMessage, handlers.retrieveHandler)
  .openapi(routes.listMessageEvents, handlers.eventsHandler);

messagesRouter.openAPIRegistry.registerWebhook(routes.messageStatusWebhook);
