import { createRouter } from "../../http/router.ts";
import * as handlers from "./verifications.handlers.ts";
import * as routes from "./verifications.routes.ts";

export const verificationsRouter = createRouter()
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.retrieve, handlers.retrieve)
  .openapi(routes.check, handlers.check)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.resend, handlers.resend)
  .openapi(routes.checkByRecipient, handlers.checkByRecipient)
  .openapi(routes.testCode, handlers.testCode);
