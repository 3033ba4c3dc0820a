import { createRouter } from "../../app.ts";
import * as handlers from "./senders.handlers.ts";
import * as routes from "./senders.routes.ts";

export const sendersRouter = createRouter()
  .openapi(routes.createSender, handlers.createHandler)
  .openapi(routes.listSenders, handlers.listHandler)
  .openapi(routes.retrieveSender, handlers.retrieveHandler)
  .openapi(routes.deleteSender, handlers.deleteHandler);
