import { createRouter } from "../../app.ts";
import * as handlers from "./account.handlers.ts";
import * as routes from "./account.routes.ts";

export const accountRouter = createRouter()
  .openapi(routes.retrieveAccount, handlers.retrieveHandler)
  .openapi(routes.rollWebhookSecret, handlers.rollHandler);
