// Import rules for src/ (issue 12): no cycles, type-only imports included, and one-way layers:
//   routes -> http, services -> delivery, providers, db -> domain
// Run by `npm run deps:check` (and so by `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle, type-only imports included (tsPreCompilationDeps below).",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-imports-no-other-layer",
      severity: "error",
      comment: "src/domain/ holds the pure rules and owns its types: it imports nothing from another src/ folder.",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/domain/" },
    },
    {
      name: "db-imports-only-domain",
      severity: "error",
      comment: "src/db/ holds the queries: it imports only src/domain/ (and itself).",
      from: { path: "^src/db/" },
      to: { path: "^src/", pathNot: "^src/(db|domain)/" },
    },
    {
      name: "http-only-from-routes-and-app",
      severity: "error",
      comment: "src/http/ is the route-agnostic HTTP layer: only src/routes/, src/app.ts and src/index.ts import it.",
      from: { path: "^src/", pathNot: "^src/(http/|routes/|app\\.ts$|index\\.ts$)" },
      to: { path: "^src/http/" },
    },
    {
      name: "services-not-http-or-routes",
      severity: "error",
      comment: "Services return results; the handlers map them onto HTTP. src/services/ never imports src/http/ or src/routes/.",
      from: { path: "^src/services/" },
      to: { path: "^src/(http|routes)/" },
    },
    {
      name: "http-knows-no-route-or-service",
      severity: "error",
      comment: "src/http/ knows no route and calls no service: routes register hooks with it instead.",
      from: { path: "^src/http/" },
      to: { path: "^src/(services|routes)/" },
    },
    {
      name: "app-not-from-lower-layers",
      severity: "error",
      comment: "src/app.ts sits on top (routes may take createRouter from it): nothing below the routes imports it.",
      from: { path: "^src/", pathNot: "^src/(routes/|index\\.ts$)" },
      to: { path: "^src/app\\.ts$" },
    },
    {
      name: "lower-layers-not-upper",
      severity: "error",
      comment: "Imports run one way: delivery, providers, db, domain (and auth, gate) never import services, http or routes.",
      from: { path: "^src/(delivery|providers|db|domain|auth|gate)/" },
      to: { path: "^src/(services|http|routes)/" },
    },
    {
      name: "routes-only-from-app",
      severity: "error",
      comment: "Routers are mounted by src/app.ts / src/index.ts; nothing below them imports a route.",
      from: { path: "^src/", pathNot: "^src/(routes/|app\\.ts$|index\\.ts$)" },
      to: { path: "^src/routes/" },
    },
    {
      name: "console-only-from-app",
      severity: "error",
      comment: "The Console (src/console/) is mounted by src/app.ts; nothing else imports it.",
      from: { path: "^src/", pathNot: "^src/(console/|app\\.ts$)" },
      to: { path: "^src/console/" },
    },
    {
      name: "console-not-http-or-routes",
      severity: "error",
      comment: "The Console calls the services, db and domain as the routes do; it never imports the API's HTTP layer or a route.",
      from: { path: "^src/console/" },
      to: { path: "^src/(http|routes)/" },
    },
    {
      name: "routes-and-console-db-types-only",
      severity: "error",
      comment:
        "Route handlers and Console pages reach D1 only through the services (one door per resource, each telling the account's gate what it caches): they import src/db/ for its types alone (`import type`).",
      from: { path: "^src/(routes|console)/" },
      to: { path: "^src/db/", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules"] },
    // The project's TypeScript is 7 (native, no JS API yet), which dependency-cruiser cannot load.
    // swc parses the sources as written, so `import type` edges count too (no tsPreCompilationDeps,
    // which would ask for that missing TypeScript API): a type-only cycle or layering breach is still one.
    // No tsConfig: the imports are relative paths, no aliases to resolve.
    parser: "swc",
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
