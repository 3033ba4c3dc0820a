import { createRouter } from "../../http/router.ts";
import * as handlers from "./test-helpers.handlers.ts";
import * as routes from "./test-helpers.routes.ts";

export const testHelpersRouter = createRouter().openapi(routes.simulateInbound, handlers.simulateInbound);
