// One header-safe rule for every field that ends up in a mail header: no
// control character (Unicode category Cc: C0, DEL and C1, which includes
// U+0085 NEXT LINE), and neither U+2028 LINE SEPARATOR nor U+2029 PARAGRAPH
// SEPARATOR, which some mail software and JavaScript treat as line breaks.
import { describe, expect, it } from "vitest";
import { senders, templates } from "../../src/db/control-schema.ts";
import { isHeaderSafe } from "../../src/domain/header-safe.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount, rowCount } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";

// Each one is a line break or a control character in some reader of the header.
const UNSAFE: [string, string][] = [
  ["CR", "\r"],
  ["LF", "\n"],
  ["NUL", "\u0000"],
  ["TAB", "\t"],
  ["VT", "\u000b"],
  ["FF", "\u000c"],
  ["ESC", "\u001b"],
  ["DEL", "\u007f"],
  ["NEL (U+0085)", "\u0085"],
  ["another C1 control (U+009B)", "\u009b"],
  ["LINE SEPARATOR (U+2028)", "\u2028"],
  ["PARAGRAPH SEPARATOR (U+2029)", "\u2029"],
];

describe("isHeaderSafe", () => {
  it.each(UNSAFE)("refuses %s anywhere in the value", (_, char) => {
    expect(isHeaderSafe(`Your ${char}code`)).toBe(false);
    expect(isHeaderSafe(char)).toBe(false);
  });

  it("accepts printable text in any script, with spaces and non-breaking spaces", () => {
    for (const value of ["Your code is 849201", "Café Ünïcødé ✓", "注文確認", "a\u00a0b", "Shop – Support", ""]) expect(isHeaderSafe(value), value).toBe(true);
  });
});

describe("header-bound fields refuse line separators and control characters", () => {
  it.each(UNSAFE)("an email from display name with %s: 400 naming from", async (_, char) => {
    const account = await createAccount("test");
    const body = { channel: "EMAIL", to: "ada@example.com", from: `Shop${char}Bcc <hi@shop.example>`, content: { subject: "Hi", text: "Hello" } };
    await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "parameter_invalid", param: "from" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each(UNSAFE)("a sender name with %s: 400 naming name", async (_, char) => {
    const account = await createAccount("live");
    const body = { channel: "email", address: "hi@shop.example", name: `Shop${char}Support` };
    await expectError(await api("/v1/senders", { key: account.key, json: body }), 400, { code: "parameter_invalid", param: "name" });
    expect(await rowCount(senders, account.id)).toBe(0);
  });

  it.each(UNSAFE)("an email subject with %s: 400 naming content[subject]", async (_, char) => {
    const account = await createAccount("test");
    const body = { channel: "EMAIL", to: "ada@example.com", content: { subject: `Hi${char}Bcc: x@y.example`, text: "Hello" } };
    await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "parameter_invalid", param: "content[subject]" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each(UNSAFE)("a template's email subject with %s: 400 naming email[subject]", async (_, char) => {
    const account = await createAccount("test");
    const body = { id: "welcome", email: { subject: `Hi {{name}}${char}`, text: "Hello {{name}}" } };
    await expectError(await api("/v1/templates", { key: account.key, json: body }), 400, { code: "parameter_invalid", param: "email[subject]" });
    expect(await rowCount(templates, account.id)).toBe(0);
  });

  it.each(UNSAFE)("a template variable with %s used in the subject: 400 naming the variable", async (_, char) => {
    const account = await createAccount("test");
    await createTemplate(account, { id: "welcome", email: { subject: "Hi {{name}}", text: "Hello {{name}}" } });
    const body = { channel: "EMAIL", to: "ada@example.com", content: { template_id: "welcome", variables: { name: `Ada${char}Bcc: x@y.example` } } };
    await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "parameter_invalid", param: "content[variables][name]" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it("still accepts the same characters in a variable used only in the body, and a plain one in the subject", async () => {
    const account = await createAccount("test");
    await createTemplate(account, { id: "welcome", email: { subject: "Hi {{name}}", text: "Hello {{name}},\n{{note}}" } });
    const body = {
      channel: "EMAIL",
      to: "ada@example.com",
      content: { template_id: "welcome", variables: { name: "Ada Lovelace", note: "line one\nline two\u2028" } },
    };
    const res = await api("/v1/messages", { key: account.key, json: body });
    expect(res.status).toBe(201);
  });
});
