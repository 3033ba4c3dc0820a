// What the document tells a client generator or a fuzzer about form bodies
// and path ids. OpenAPI 3.1 (4.8.15, Encoding Object): a form-urlencoded
// body's nested object is serialized as its encoding entry's style says, and
// bracket notation (content[variables][code]=849201) is style "deepObject" with
// explode true. Without the entry a generator falls back to "form", which is
// how a fuzzer came to send content=template_id&content=variables. Path ids
// get the pattern of the ids the API issues, so nothing else is generated.
import { describe, expect, it } from "vitest";
import { servedDocument } from "./operations.ts";

interface Schema {
  type?: string | string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
}
type Media = { schema: Schema; encoding?: Record<string, unknown> };
type Parameter = { name: string; in: string; schema: { pattern?: string; maxLength?: number; example?: string }; example?: string };

const DEEP_OBJECT = { style: "deepObject", explode: true };

async function formBody(path: string, method: string): Promise<Media> {
  const document = await servedDocument();
  const operation = document.paths[path]![method]! as unknown as { requestBody: { content: Record<string, Media> } };
  return operation.requestBody.content["application/x-www-form-urlencoded"]!;
}

describe("form-encoded request bodies", () => {
  it.each([
    ["/v1/messages", "post", ["content", "metadata"]],
    ["/v1/templates", "post", ["sms", "whatsapp", "email"]],
    ["/v1/templates/{id}", "post", ["sms", "whatsapp", "email"]],
  ])("%s %s declares deepObject encoding for each nested field: %j", async (path, method, nested) => {
    const media = await formBody(path, method);
    for (const field of nested) expect(media.encoding?.[field], field).toEqual(DEEP_OBJECT);
    // Only nested fields: a scalar is a plain form value.
    expect(Object.keys(media.encoding ?? {}).sort()).toEqual([...nested].sort());
  });

  it("declares no encoding entry for a form body without nested fields (POST /v1/senders)", async () => {
    const media = await formBody("/v1/senders", "post");
    expect(media.encoding ?? {}).toEqual({});
  });

  it("leaves no form body's object-valued field without deepObject encoding", async () => {
    const document = await servedDocument();
    const mayBeObject = (schema: Schema): boolean =>
      schema.type === "object" ||
      (Array.isArray(schema.type) && schema.type.includes("object")) ||
      [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(mayBeObject);
    let checked = 0;
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item) as unknown as { requestBody?: { content: Record<string, Media> } }[]) {
        const media = operation.requestBody?.content["application/x-www-form-urlencoded"];
        if (!media) continue;
        for (const [name, schema] of Object.entries(media.schema.properties ?? {})) {
          if (!mayBeObject(schema)) continue;
          expect(media.encoding?.[name], name).toEqual(DEEP_OBJECT);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});

describe("path ids", () => {
  it.each([
    ["/v1/messages/{id}", "get", "^msg_[0-9a-f]{32}$"],
    ["/v1/messages/{id}/events", "get", "^msg_[0-9a-f]{32}$"],
    ["/v1/senders/{id}", "get", "^snd_[0-9a-f]{32}$"],
    ["/v1/senders/{id}", "delete", "^snd_[0-9a-f]{32}$"],
    ["/v1/templates/{id}", "get", "^[a-z0-9_]{1,64}$"],
    ["/v1/templates/{id}", "post", "^[a-z0-9_]{1,64}$"],
    ["/v1/templates/{id}", "delete", "^[a-z0-9_]{1,64}$"],
  ])("%s %s documents the id's pattern %s, which its example matches", async (path, method, pattern) => {
    const document = await servedDocument();
    const parameters = (document.paths[path]![method]!.parameters ?? []) as Parameter[];
    const id = parameters.find((parameter) => parameter.in === "path" && parameter.name === "id")!;
    expect(id.schema.pattern).toBe(pattern);
    const example = id.schema.example ?? id.example;
    expect(example).toMatch(new RegExp(pattern));
  });

  it("documents a pattern for every path parameter", async () => {
    const document = await servedDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        for (const parameter of (operation.parameters ?? []) as Parameter[]) {
          if (parameter.in === "path") expect(parameter.schema?.pattern, `${path} ${parameter.name}`).toMatch(/^\^.*\$$/);
        }
      }
    }
  });
});
