import { createRouter } from "../../app.ts";
import * as handlers from "./templates.handlers.ts";
import * as routes from "./templates.routes.ts";

export const templatesRouter = createRouter()
  .openapi(routes.createTemplate, handlers.createHandler)
  .openapi(routes.listTemplates, handlers.listHandler)
  .openapi(routes.retrieveTemplate, handlers.retrieveHandler)
  .openapi(routes.updateTemplate, handlers.updateHandler)
  .openapi(routes.deleteTemplate, handlers.deleteHandler);
