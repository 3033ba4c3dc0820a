// A template's html body is filled with HTML-escaped variables, which is safe
// only where the HTML spec gives escaping its meaning: in text and in a quoted
// attribute value. Elsewhere a variable writes live markup (HTML Living
// Standard, 13.2.5 tokenization):
// - an unquoted attribute value ends at whitespace, and none is escaped, so
//   alt={{n}} with n = "x onerror=alert(1)" adds an attribute;
// - a placeholder in a tag or attribute name writes the name;
// - event handler (on*) and style attributes are script and CSS, where the
//   entities the escaping writes are decoded before they run;
// - URL attributes (href, src, action, formaction...) run javascript: and
//   data: URLs however well escaped.
// So these are refused at template create and update (400 naming email[html]),
// and a URL attribute with a placeholder is checked when a message is created
// from the template: the value it renders to must be an http(s) URL, else a
// 400 naming the variable.
import { describe, expect, it } from "vitest";
import { templates } from "../../src/db/control-schema.ts";
import { exampleTemplate } from "../../src/domain/sandbox.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { db, messageCount, storedMessage } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";

const emailTemplate = (html: string) => ({ id: "reset", email: { subject: "Reset your password", html } });

describe("template html with a placeholder where escaping does not protect it", () => {
  it.each([
    ["an unquoted attribute value", '<img alt={{n}} src="https://cdn.your-app.com/logo.png">'],
    ["an unquoted attribute value after literal text", "<img alt=Hi_{{n}}>"],
    ["an unquoted URL attribute", "<a href={{u}}>Reset</a>"],
    ["an attribute name", '<img {{attr}} src="https://cdn.your-app.com/logo.png">'],
    ["part of an attribute name", '<img data-{{attr}}="x">'],
    ["a tag name", "<{{tag}}>hi</p>"],
    ["an end tag name", "<p>hi</{{tag}}>"],
    ["an event handler attribute", '<a href="https://your-app.com" onclick="track(\'{{n}}\')">x</a>'],
    ["an event handler attribute in upper case", "<body ONLOAD=\"go('{{n}}')\">x</body>"],
    ["a style attribute", '<p style="color: {{color}}">x</p>'],
    ["a srcset (a list of URLs)", '<img srcset="{{u}} 2x" src="https://cdn.your-app.com/a.png">'],
    ["a script element", '<script>var n = "{{n}}";</script>'],
    ["a style element", "<style>p { color: {{color}} }</style>"],
  ])("refuses a placeholder in %s at create: 400 naming email[html]", async (_, html) => {
    const account = await createAccount("test");
    const error = await expectError(await api("/v1/templates", { key: account.key, json: emailTemplate(html) }), 400, {
      code: "parameter_invalid",
      param: "email[html]",
    });
    expect(error.message).toMatch(/\{\{/);
    expect((await api("/v1/templates/reset", { key: account.key })).status).toBe(404);
  });

  it("refuses the same at update: 400 naming email[html], the template unchanged", async () => {
    const account = await createAccount("test");
    const before = await createTemplate(account, emailTemplate('<a href="{{u}}">Reset</a>'));
    await expectError(await api("/v1/templates/reset", { key: account.key, json: { email: { subject: "Hi", html: "<img alt={{u}}>" } } }), 400, {
      code: "parameter_invalid",
      param: "email[html]",
    });
    expect(await (await api("/v1/templates/reset", { key: account.key })).json()).toEqual(before);
  });

  it.each([
    ["text", "<p>Hello {{n}}</p>"],
    ["a double-quoted attribute", '<img alt="{{n}}" src="https://cdn.your-app.com/logo.png">'],
    ["a single-quoted attribute", "<img alt='{{ n }}' src='https://cdn.your-app.com/logo.png'>"],
    ["a quoted URL attribute (checked when a message is created)", '<a href="{{u}}">Reset</a>'],
    ["a quoted URL attribute after its scheme and host", '<a href="https://your-app.com/reset?token={{u}}">Reset</a>'],
    ["a comment", "<!-- {{n}} --><p>x</p>"],
    ["text with a lone > and quotes", '<p>5 > 3 "and" {{n}}</p>'],
  ])("accepts a placeholder in %s", async (_, html) => {
    const account = await createAccount("test");
    const res = await api("/v1/templates", { key: account.key, json: emailTemplate(html) });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});

describe("a message from a template with a placeholder in a URL attribute", () => {
  async function withTemplate(html: string): Promise<TestAccount> {
    const account = await createAccount("test");
    await createTemplate(account, emailTemplate(html));
    return account;
  }
  const send = (account: TestAccount, variables: Record<string, string>) =>
    api("/v1/messages", { key: account.key, json: { channel: "EMAIL", to: "ana@example.com", content: { template_id: "reset", variables } } });

  it.each([
    ["a javascript: URL", "javascript:alert(document.domain)"],
    ["a javascript: URL in mixed case", "JaVaScRiPt:alert(1)"],
    ["a javascript: URL after spaces", "  javascript:alert(1)"],
    ["a javascript: URL after a control character", "\u0001javascript:alert(1)"],
    ["a javascript: URL split by a tab", "java\tscript:alert(1)"],
    ["a data: URL", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="],
    ["a vbscript: URL", "vbscript:msgbox(1)"],
    ["a relative URL", "/reset?token=1"],
    ["a scheme-relative URL", "//evil.example.net/x"],
    ["a mailto: URL", "mailto:ana@example.com"],
    ["no URL at all", "not a url"],
  ])("refuses %s in href: 400 naming the variable, nothing stored", async (_, u) => {
    const account = await withTemplate('<p>Hi</p><a class="button" href="{{u}}">Reset</a>');
    await expectError(await send(account, { u }), 400, { code: "parameter_invalid", param: "content[variables][u]" });
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each([
    ["src", '<img src="{{u}}">'],
    ["action", "<form action='{{u}}'><button>go</button></form>"],
    ["formaction", '<form><button formaction="{{u}}">go</button></form>'],
    ["an upper-case HREF", '<A HREF = "{{u}}">x</A>'],
  ])("refuses a javascript: URL in %s", async (_, html) => {
    const account = await withTemplate(html);
    await expectError(await send(account, { u: "javascript:alert(1)" }), 400, { param: "content[variables][u]" });
  });

  it("decodes the template's own character references before deciding (&#106;avascript: is javascript:)", async () => {
    const account = await withTemplate('<a href="&#106;avascript:{{u}}">x</a>');
    await expectError(await send(account, { u: "alert(1)" }), 400, { param: "content[variables][u]" });
  });

  it.each(["https://your-app.com/reset?token=abc&next=%2F", "http://your-app.com/r", "HTTPS://YOUR-APP.COM/"])("accepts %s, escaped in the html", async (u) => {
    const account = await withTemplate('<a href="{{u}}">Reset</a>');
    const res = await send(account, { u });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const rendered = (await storedMessage(id)).rendered as { html: string };
    expect(rendered.html).toBe(`<a href="${u.replaceAll("&", "&amp;")}">Reset</a>`);
  });

  it("accepts any value for a placeholder after a fixed https scheme and host", async () => {
    const account = await withTemplate('<a href="https://your-app.com/reset?token={{u}}">Reset</a>');
    expect((await send(account, { u: "javascript:alert(1)" })).status).toBe(201);
  });

  it("refuses to render a template saved before the html rule: 400 naming content[template_id]", async () => {
    const account = await createAccount("test");
    const stored = exampleTemplate(account.id);
    await db()
      .insert(templates)
      .values({ ...stored, email: { subject: "Hi", html: "<img alt={{code}}>" } });
    const res = await api("/v1/messages", {
      key: account.key,
      json: { channel: "EMAIL", to: "ana@example.com", content: { template_id: "auth_otp", variables: { code: "x onerror=alert(1)" } } },
    });
    await expectError(res, 400, { code: "parameter_invalid", param: "content[template_id]" });
    expect(await messageCount(account.id)).toBe(0);
  });
});
