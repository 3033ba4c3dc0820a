import { createRouter } from "../../http/router.ts";
import * as handlers from "./account.handlers.ts";
import * as routes from "./account.routes.ts";

export const accountRouter = createRouter()
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.rollSecret, handlers.rollSecret)
  .openapi(routes.update, handlers.update);
