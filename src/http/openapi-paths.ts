// Where the API document and its interactive docs are served. A module of its
// own, so that `npm run openapi` (Node) can import it without the Worker's code.
export const OPENAPI_PATH = "/v1/openapi.json";
export const DOCS_PATH = "/docs";
