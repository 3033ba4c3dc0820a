// The HTTP API: middleware every request passes through, then the routers.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { loadConfig } from "./config.ts";
import { consoleApp } from "./console/index.ts";
import { apiKey } from "./http/auth.ts";
import { bodyReader, MAX_BATCH_BODY_BYTES, MAX_BODY_BYTES, MAX_MEDIA_BODY_BYTES, maxBodyBytes } from "./http/body.ts";
import type { AppEnv } from "./http/context.ts";
import { ApiError, errorResponse, errors } from "./http/errors.ts";
import { buildDocument, PRODUCTION_SERVER } from "./http/openapi-document.ts";
import { DOCS_PATH, OPENAPI_PATH } from "./http/openapi-paths.ts";
import { createRouter } from "./http/router.ts";
import { logger } from "./log.ts";
import { type Control, workerControl } from "./services/control.ts";

declare module "hono" {
  interface ContextVariableMap {
    /**
     * The control database and the account gates, built once per request for
     * the services that write through them (src/services/control.ts): API
     * handlers and Console pages alike read it as `c.var.control`.
     */
    control: Control;
  }
}

/**
 * Routes under /v1 that are not called with an API key: each verifies its
 * caller its own way, or is public like the API document. (Everything outside
 * /v1, such as /docs and /healthz, is public anyway.)
 */
const PUBLIC_PATHS = ["/v1/providers/*", "/v1/media/*", "/m/*", OPENAPI_PATH];

/**
 * Whether a path is one of `patterns` (exact, or a prefix ending in "/*").
 * A string test rather than hono's `except`, which matches a router of its
 * own on every request: `npm run profile` put those matches at a seventh of
 * a create's JavaScript time.
 */
function pathIn(patterns: string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith("/*")));
  const prefixes = patterns.filter((pattern) => pattern.endsWith("/*")).map((pattern) => pattern.slice(0, -1));
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix) || path === prefix.slice(0, -1));
}

/** The middleware, in turn, except on the paths `skipped` picks. */
function unless(skipped: (path: string) => boolean, ...middleware: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv> {
  const all = every(...middleware);
  return async (c, next) => {
    if (skipped(c.req.path)) return next();
    await all(c, next);
  };
}

/**
 * Answers to API-key requests hold an account's data (GET /v1/account holds
 * its webhook signing secret): no shared cache or browser history may keep
 * one, errors included.
 */
const noStore = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
});

const SCALAR_SCRIPT_PATH = `${DOCS_PATH}/scalar.js`;

const isPublic = pathIn(PUBLIC_PATHS);

export function createApp(routers: OpenAPIHono<AppEnv>[]) {
  const app = createRouter();
  // limitLength 0: never adopt an X-Request-Id the client sent. The id is what
  // errors are logged under and what support looks up, so a caller must not
  // be able to choose it (or reuse someone else's).
  app.use(requestId({ limitLength: 0, generator: () => `req_${crypto.randomUUID().replaceAll("-", "")}` }));
  app.use(async (c, next) => {
    c.set("control", workerControl(c.env));
    await next();
  });
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) => errorResponse(c, errors.methodNotAllowed(c.req.method, allowed)),
    }),
  );
  // One limit per size: the batch route and the create (its files) take more than any other.
  const limits = new Map(
    [MAX_BODY_BYTES, MAX_BATCH_BODY_BYTES, MAX_MEDIA_BODY_BYTES].map((maxSize) => [
      maxSize,
      bodyLimit({
        maxSize,
        onError: () => {
          throw maxSize === MAX_MEDIA_BODY_BYTES ? errors.mediaBodyTooLarge(maxSize) : errors.bodyTooLarge(maxSize);
        },
      }),
    ]),
  );
  app.use((c, next) => limits.get(maxBodyBytes(c.req.path))!(c, next));
  app.use(async (c, next) => {
    c.set("body", bodyReader(c.req.raw));
    await next();
  });
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // A deployment missing a variable, or holding a bad one, answers 500 and logs its name (src/config.ts).
  app.use(
    "/v1/*",
    unless(
      pathIn([OPENAPI_PATH]),
      createMiddleware(async (c, next) => {
        loadConfig(c.env);
        await next();
      }),
    ),
  );
  // A layer of its own, so that it also marks the error responses of the layers below.
  app.use("/v1/*", unless(isPublic, noStore));
  // Each route under /v1 that is not public declares its API key guard (src/http/auth.ts apiKey) in its
  // own middleware: rate limits first, so a retry storm is refused before it costs a D1 write.
  for (const router of routers) app.route("/", router);

  // Built on first request: the routes are all registered by then, and the
  // document does not change while the Worker runs.
  let document: ReturnType<typeof buildDocument> | undefined;
  app.get(OPENAPI_PATH, (c) => c.json((document ??= buildDocument(app, PUBLIC_PATHS))));
  // The reference page loads nothing from another origin: its script comes from here, and no web fonts.
  app.get(SCALAR_SCRIPT_PATH, (c) => c.env.ASSETS.fetch(new URL("/standalone.js", c.req.url)));
  app.get(
    DOCS_PATH,
    Scalar((c) => ({
      url: OPENAPI_PATH,
      cdn: SCALAR_SCRIPT_PATH,
      withDefaultFonts: false,
      pageTitle: "OmniFlow API reference",
      // "Try it" goes to the server that serves these docs, e.g. `npm run dev`.
      servers: [{ url: new URL(c.req.url).origin, description: "This server" }, PRODUCTION_SERVER],
    })),
  );

  app.route("/console", consoleApp);

  const routeNotFound = (c: Context) => errorResponse(c, errors.routeNotFound(c.req.method, c.req.path));
  // A path under /v1 that no route takes (or a method it does not) is still answered under the key, as
  // the routes are: 401 without one, and with one a rate-limited 404, which methodNotAllowed above turns
  // into a 405 for a known path. Registered last, so it runs only when no route answered.
  app.all("/v1/*", (c, next) => (isPublic(c.req.path) ? routeNotFound(c) : next()), apiKey(), routeNotFound);
  app.notFound(routeNotFound);
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, errors.invalidRequest("invalid_request", error.message || "The request could not be processed.", error.status));
    }
    // The cause, not the error: drizzle's wrapper quotes the query's parameters, which hold message content.
    const cause = error.cause instanceof Error ? error.cause : error;
    logger.with({ request_id: c.get("requestId") }).error("unhandled_error", { path: c.req.path, error: cause, stack: cause.stack });
    return errorResponse(c, errors.internal());
  });
  return app;
}
