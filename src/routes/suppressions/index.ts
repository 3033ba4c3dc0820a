import { createRouter } from "../../http/router.ts";
import * as handlers from "./suppressions.handlers.ts";
import * as routes from "./suppressions.routes.ts";

export const suppressionsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.remove, handlers.remove);
