import { createRouter } from "../../http/router.ts";
import * as handlers from "./batches.handlers.ts";
import * as routes from "./batches.routes.ts";

export const batchesRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.cancel, handlers.cancel);
