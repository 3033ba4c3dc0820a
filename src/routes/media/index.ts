import { createRouter } from "../../http/router.ts";
import * as handlers from "./media.handlers.ts";
import * as routes from "./media.routes.ts";

export const mediaRouter = createRouter()
  .openapi(routes.retrieveAttachment, handlers.retrieveAttachment)
  .openapi(routes.mediaByToken, handlers.mediaByToken)
  .openapi(routes.mediaByLink, handlers.mediaByLink);
