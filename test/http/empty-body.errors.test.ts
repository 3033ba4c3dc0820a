// An empty body (zero bytes) is no body, whatever Content-Type it is sent with
// (JSON, form or none) and whether or not it carries an Idempotency-Key: a
// route without a body, or whose body is optional, answers as it does without
// one; a route whose body is required answers the 400 naming the missing field
// it gives for {}. Before, the key's fingerprint parsed "" as JSON (a 400
// invalid_json) where the route itself never read it; and a route that takes
// no body ignores one it cannot parse, with a key as without.
import { beforeAll, describe, expect, it } from "vitest";
import { type DocumentedOperation, operationsOf, servedDocument } from "../openapi/operations.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage, smsBody } from "../support/messages.ts";

const CONTENT_TYPES = [
  ["a JSON", "application/json"],
  ["a form", "application/x-www-form-urlencoded"],
] as const;

let account: TestAccount;
let keyCount = 0;
beforeAll(async () => {
  account = await createAccount("test", { rateLimitRps: 10_000 });
});

interface Outcome {
  status: number;
  code?: string;
  param?: string;
}

async function outcomeOf(res: Response): Promise<Outcome> {
  const body = await res.json<{ error?: { code: string; param?: string } }>();
  return { status: res.status, code: body.error?.code, param: body.error?.param };
}

/** POST `path` with a zero-byte body of `contentType`, with or without a fresh Idempotency-Key. */
async function postEmpty(path: string, contentType: string, keyed: boolean): Promise<Outcome> {
  const headers: Record<string, string> = { "Content-Type": contentType };
  if (keyed) headers["Idempotency-Key"] = `empty-body-${++keyCount}`;
  return outcomeOf(await api(path, { key: account.key, method: "POST", body: new Uint8Array(), headers }));
}

describe("the routes the issue names", () => {
  it.each(CONTENT_TYPES)("POST /v1/account/webhook_secret/roll with %s type and an empty body rolls the secret, with and without a key", async (_, type) => {
    expect(await postEmpty("/v1/account/webhook_secret/roll", type, false)).toEqual({ status: 200 });
    expect(await postEmpty("/v1/account/webhook_secret/roll", type, true)).toEqual({ status: 200 });
  });

  it.each(CONTENT_TYPES)("POST /v1/messages/{id}/cancel with %s type and an empty body cancels, with and without a key", async (_, type) => {
    for (const keyed of [false, true]) {
      const { id } = await createMessage(account, smsBody({ send_at: Math.floor(Date.now() / 1000) + 600 }));
      expect(await postEmpty(`/v1/messages/${id}/cancel`, type, keyed)).toEqual({ status: 200 });
    }
  });

  it.each(CONTENT_TYPES)(
    "POST /v1/messages/{id}/cancel with %s type and an empty body is the same 404 for an unknown id, with and without a key",
    async (_, type) => {
      const path = `/v1/messages/msg_${"0".repeat(32)}/cancel`;
      expect(await postEmpty(path, type, false)).toMatchObject({ status: 404, code: "resource_missing" });
      expect(await postEmpty(path, type, true)).toMatchObject({ status: 404, code: "resource_missing" });
    },
  );
});

/** A path of the operation with each {param} filled with an id of its documented pattern that names nothing. */
function unknownIdPath(operation: DocumentedOperation): string {
  const patterns = new Map(
    ((operation.operation.parameters ?? []) as { name: string; in: string; schema?: { pattern?: string } }[])
      .filter((parameter) => parameter.in === "path")
      .map((parameter) => [parameter.name, parameter.schema?.pattern ?? ""]),
  );
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    // "^msg_[0-9a-f]{32}$" names ids msg_<32 hex digits>; a pattern without a prefix takes a name.
    const prefix = /^\^([a-z]+_)\[/.exec(patterns.get(name) ?? "")?.[1];
    return prefix ? `${prefix}${"0".repeat(32)}` : "no_such_resource";
  });
}

const document = await servedDocument();

describe("every authenticated POST in the OpenAPI document", () => {
  const posts = operationsOf(document).filter((operation) => operation.method === "POST" && operation.authenticated);
  const required = (operation: DocumentedOperation) => (operation.operation.requestBody as { required?: boolean } | undefined)?.required === true;
  const optional = posts.filter((operation) => !required(operation)).map((operation) => [operation.name, operation] as const);
  const withBody = posts.filter(required).map((operation) => [operation.name, operation] as const);

  it("has routes of both kinds to sweep", () => {
    expect(optional.map(([name]) => name)).toEqual(
      expect.arrayContaining(["POST /v1/messages/{id}/cancel", "POST /v1/account/webhook_secret/roll", "POST /v1/senders/{id}/verify"]),
    );
    expect(withBody.map(([name]) => name)).toContain("POST /v1/messages");
  });

  it.each(optional)("%s, whose body is optional or absent: an empty body answers alike with and without a key, as no body does", async (_, operation) => {
    const path = unknownIdPath(operation);
    const bodiless = await outcomeOf(await api(path, { key: account.key, method: "POST" }));
    for (const [, type] of CONTENT_TYPES) {
      for (const keyed of [false, true]) {
        const outcome = await postEmpty(path, type, keyed);
        expect({ type, keyed, ...outcome }).toEqual({ type, keyed, ...bodiless });
      }
    }
  });

  // A route that takes no body never reads one, not for its Idempotency-Key's fingerprint either.
  const bodiless = posts.filter((operation) => operation.operation.requestBody === undefined).map((operation) => [operation.name, operation] as const);
  it.each(bodiless)("%s, which takes no body: a body it cannot parse is ignored alike with and without a key", async (_, operation) => {
    const path = unknownIdPath(operation);
    const expected = await outcomeOf(await api(path, { key: account.key, method: "POST" }));
    for (const [type, body] of [
      ["application/json", "{not json"],
      ["text/plain", "hello"],
    ]) {
      for (const keyed of [false, true]) {
        const headers: Record<string, string> = { "Content-Type": type!, ...(keyed ? { "Idempotency-Key": `bodiless-${++keyCount}` } : {}) };
        const outcome = await outcomeOf(await api(path, { key: account.key, method: "POST", body, headers }));
        expect({ type, keyed, ...outcome }).toEqual({ type, keyed, ...expected });
      }
    }
  });

  it.each(withBody)("%s, whose body is required: an empty body answers as {} does, with and without a key", async (_, operation) => {
    const path = unknownIdPath(operation);
    const emptyObject = await outcomeOf(await api(path, { key: account.key, json: {}, headers: { "Idempotency-Key": `empty-object-${++keyCount}` } }));
    for (const [, type] of CONTENT_TYPES) {
      for (const keyed of [false, true]) {
        const outcome = await postEmpty(path, type, keyed);
        expect({ type, keyed, ...outcome }).toEqual({ type, keyed, ...emptyObject });
      }
    }
  });
});
