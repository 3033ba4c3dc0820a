// The contract: for every route and status code in the served OpenAPI
// document, a real response of the Worker has that status, a documented media
// type and required headers, and a body that validates against the documented
// schema (where an undocumented field fails too).
import { stringify } from "qs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { contractCases, genericCases } from "./contract-cases.ts";
import { type DocumentedOperation, operationsOf, pointerToken, schemaValidator, servedDocument } from "./operations.ts";

const document = await servedDocument();
const operations = operationsOf(document);
const validate = schemaValidator(document);

afterEach(() => vi.restoreAllMocks());

async function expectDocumented(route: DocumentedOperation, status: string, res: Response) {
  // The body is read only to explain a wrong status (a file's bytes are no text to print).
  if (res.status !== Number(status)) expect.fail(`${route.name} answered ${res.status}, expected ${status}: ${await res.clone().text()}`);
  const documented = route.operation.responses[status]!;
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const required = header.$ref ? document.components.headers?.[header.$ref.split("/").pop()!]?.required : false;
    if (required) expect(res.headers.get(name), `header ${name}`).not.toBeNull();
  }
  if (!documented.content) return;
  const mediaType = res.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
  expect(Object.keys(documented.content)).toContain(mediaType);
  // A file (format: binary) is bytes, not JSON: it has them.
  if ((documented.content[mediaType]!.schema as { format?: string }).format === "binary") {
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    return;
  }
  const pointer = `${route.pointer}/responses/${status}/content/${pointerToken(mediaType)}/schema`;
  const result = validate(pointer, await res.json());
  expect(result.errors, JSON.stringify(result.errors, null, 2)).toEqual([]);
}

describe("every documented route and status", () => {
  const rows = operations.flatMap((route) => Object.keys(route.operation.responses).map((status) => ({ route, status })));

  it.each(rows.map((row) => [`${row.route.name} ${row.status}`, row] as const))("%s answers as documented", async (_, { route, status }) => {
    const explicit = contractCases[route.name]?.[Number(status)];
    const generic = genericCases[Number(status)];
    const run = explicit ?? (generic?.fits(route) ? (account: Parameters<typeof generic.run>[1]) => generic.run(route, account) : undefined);
    if (!run) {
      throw new Error(`No contract case for ${route.name} ${status}: add one to contractCases in test/openapi/contract-cases.ts.`);
    }
    const account = await createAccount();
    await expectDocumented(route, status, await run(account));
  });

  it("has no contract case for a route or status the document lacks", () => {
    const documented = new Set(rows.map(({ route, status }) => `${route.name} ${status}`));
    const cases = Object.entries(contractCases).flatMap(([name, byStatus]) => Object.keys(byStatus).map((status) => `${name} ${status}`));
    expect(cases.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe("every documented request body example", () => {
  // Routes whose path has parameters need a real resource, and so do the ones that say so: their contract cases cover them.
  const examples = operations
    .filter((route) => route.hasBody && !route.path.includes("{") && !route.operation["x-example-needs-resource"])
    .flatMap((route) =>
      Object.entries(route.operation.requestBody!.content)
        .filter(([, media]) => media.example !== undefined)
        .map(([mediaType, media]) => [`${route.name} as ${mediaType}`, route, mediaType, media.example] as const),
    );

  it.each(examples)("%s works as written", async (_, route, mediaType, example) => {
    const account = await createAccount();
    // Examples run against an account set up as `npm run dev` sets up its own
    // (the reference's message names its template and sender), except the
    // template example, which creates that very template.
    if (route.path !== "/v1/templates") await seedExample(account);
    const body = mediaType === "application/json" ? JSON.stringify(example) : stringify(example);
    const res = await api(route.path, { key: account.key, method: route.method, body, headers: { "Content-Type": mediaType } });
    // An example on a fresh account makes something new: the route's 201 if it documents one (POST /v1/suppressions also documents the 200 of a repeat).
    const successes = Object.keys(route.operation.responses).filter((status) => status.startsWith("2"));
    await expectDocumented(route, successes.includes("201") ? "201" : successes[0]!, res);
  });
});
