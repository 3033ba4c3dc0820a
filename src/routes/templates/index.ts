import { createRouter } from "../../http/router.ts";
import * as handlers from "./templates.handlers.ts";
import * as routes from "./templates.routes.ts";

export const templatesRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.update, handlers.update)
  .openapi(routes.preview, handlers.preview)
  .openapi(routes.remove, handlers.remove);
