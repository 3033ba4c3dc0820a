// The router every resource builds its routes on, and the handler type that
// ties a handler to its route declaration (its request schemas and the
// context variables its guard sets).
import { OpenAPIHono, type RouteConfig, type RouteConfigToEnv, type RouteHandler } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler, Next } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./context.ts";
import { validationError } from "./errors.ts";
import { RequestBody } from "./request-body.ts";

/**
 * The handler, once its body (JSON or form) validates against the route's
 * schema: the result is the request's validated "json" (and "form"). It runs
 * after the route's guard and its path and query validation, as the library's
 * own body validation would.
 */
function validatingBody<C extends Context<AppEnv>, R>(body: RequestBody<z.ZodType<object>>, handler: (c: C, next: Next) => R) {
  return async (c: C, next: Next) => {
    const input = await body.read(c.req.raw, c.get("body"));
    c.req.addValidatedData("json", input);
    c.req.addValidatedData("form", input);
    return handler(c, next);
  };
}

const noParameters = () => Promise.resolve({});
const ignoreBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("body", noParameters);
  await next();
};

/**
 * A router whose zod validation failures become our 400 envelope, naming the
 * param, and whose request bodies (jsonOrForm) validate JSON and forms with one
 * schema: the library, which reads forms without bracket notation, only
 * documents them.
 */
export function createRouter() {
  const router = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
  const register = router.openapi;
  router.openapi = (route, handler, hook) => {
    const body = route.request?.body;
    if (body === undefined) {
      // A route that takes no body never reads one, not even for its Idempotency-Key's fingerprint:
      // a body it would ignore without a key cannot change its answer with one.
      const bodiless: typeof route = { ...route, middleware: [ignoreBody, ...[route.middleware ?? []].flat()] };
      return register(bodiless, handler, hook);
    }
    if (!(body instanceof RequestBody)) return register(route, handler, hook);
    // The same route with its body as documentation (JSON Schema, which the library does not validate);
    // typed as declared, since the handler still gets the body the schema validated.
    const documented: typeof route = { ...route, request: { ...route.request, body: body.documentation() } };
    return register(documented, validatingBody(body, handler) as typeof handler, hook);
  };
  return router;
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv & RouteConfigToEnv<R>>;
