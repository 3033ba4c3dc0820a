// Reading the served OpenAPI document in tests: its operations, and a JSON
// Schema (2020-12) validator for anything it documents.
import { Validator } from "@cfworker/json-schema";
import { api } from "../support/api.ts";

export interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: { content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: object }>; headers?: Record<string, { $ref?: string }> }>;
  /** Its body's example needs a resource that a fresh account lacks (a pending verification of its `to`). */
  "x-example-needs-resource"?: boolean;
}

export interface OpenApiDocument {
  openapi: string;
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> };
}

export interface DocumentedOperation {
  /** "POST /v1/messages", as the contract cases are keyed. */
  name: string;
  method: string;
  path: string;
  operation: Operation;
  /** The JSON pointer of the operation in the document. */
  pointer: string;
  authenticated: boolean;
  hasBody: boolean;
}

const METHODS = ["get", "put", "post", "delete", "patch"];
const DOCUMENT_ID = "https://api.omniflow.test/openapi.json";

export async function servedDocument(): Promise<OpenApiDocument> {
  const res = await api("/v1/openapi.json", { key: null });
  if (res.status !== 200) throw new Error(`GET /v1/openapi.json answered ${res.status}`);
  return res.json();
}

/** A path or key as one token of a JSON pointer. */
export const pointerToken = (token: string) => token.replaceAll("~", "~0").replaceAll("/", "~1");

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method]!;
      return {
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
        pointer: `/paths/${pointerToken(path)}/${method}`,
        authenticated: (operation.security ?? document.security ?? []).length > 0,
        hasBody: operation.requestBody !== undefined,
      };
    }),
  );
}

/**
 * A copy to validate with: objects allow only the properties they name (a
 * field the document does not mention fails), and examples are left out
 * (the validator would read an example's "id" as a schema id).
 */
function forValidation(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forValidation);
  if (node === null || typeof node !== "object") return node;
  const copy = Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== "example" && key !== "examples")
      .map(([key, value]) => [key, forValidation(value)]),
  );
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

/** Validates values against the schema at a JSON pointer in the document ($refs resolved). */
export function schemaValidator(document: OpenApiDocument) {
  const strict = forValidation(document) as object;
  return (pointer: string, value: unknown) => {
    const validator = new Validator({ $ref: `${DOCUMENT_ID}#${pointer}` }, "2020-12", false);
    validator.addSchema(strict, DOCUMENT_ID);
    return validator.validate(value);
  };
}
