import { createRouter } from "../../http/router.ts";
import * as handlers from "./geo-permissions.handlers.ts";
import * as routes from "./geo-permissions.routes.ts";

export const geoPermissionsRouter = createRouter().openapi(routes.retrieve, handlers.retrieve).openapi(routes.update, handlers.update);
