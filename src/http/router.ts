// The router every resource builds its routes on, and the handler type that
// ties a handler to its route declaration.
import { OpenAPIHono, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "./context.ts";
import { validationError } from "./errors.ts";

/** A router whose zod validation failures become our 400 envelope, naming the param. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
