import { createRouter } from "../../http/router.ts";
import * as handlers from "./senders.handlers.ts";
import * as routes from "./senders.routes.ts";

export const sendersRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.verify, handlers.verify)
  .openapi(routes.remove, handlers.remove);
