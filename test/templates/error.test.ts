import { describe, expect, it } from "vitest";
import { templates } from "../../src/db/schema.ts";
import { encodeCursor } from "../../src/domain/cursor.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount, rowCount } from "../support/db.ts";
import { createTemplate as create } from "../support/resources.ts";

const otp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{code}}." },
};

const createTemplate = (account: TestAccount, body: Record<string, unknown> = otp) => create(account, body);

describe("POST /v1/templates with bad input", () => {
  it.each([
    ["an id with capitals", { ...otp, id: "Auth_OTP" }, "id"],
    ["an id longer than 64", { ...otp, id: "a".repeat(65) }, "id"],
    ["no id", { sms: otp.sms }, "id"],
    ["a placeholder with a dash", { id: "t", sms: { text: "Hi {{first-name}}" } }, "sms[text]"],
    ["an unclosed placeholder", { id: "t", email: { subject: "Code {{code", text: "x" } }, "email[subject]"],
    ["an empty sms text", { id: "t", sms: { text: "" } }, "sms[text]"],
    ["an email without text or html", { id: "t", email: { subject: "Hi" } }, "email[text]"],
    ["a WhatsApp language that is not a code", { id: "t", whatsapp: { name: "otp", language: "English" } }, "whatsapp[language]"],
    ["a WhatsApp template name with capitals", { id: "t", whatsapp: { name: "AuthOTP", language: "en" } }, "whatsapp[name]"],
    ["a WhatsApp parameter that is not a variable name", { id: "t", whatsapp: { name: "otp", language: "en", body_params: ["a b"] } }, "whatsapp[body_params][0]"],
    ["an unknown channel body", { id: "t", push: { text: "hi" } }, "push"],
    ["an unknown field in a body", { id: "t", sms: { text: "hi", media_url: "https://x.test/a.png" } }, "sms[media_url]"],
  ])("refuses %s with a 400 naming the param, and stores nothing", async (_, body, param) => {
    const account = await createAccount();
    await expectError(await api("/v1/templates", { key: account.key, json: body }), 400, { param });
    expect(await rowCount(templates, account.id)).toBe(0);
  });

  it("refuses a template without any body", async () => {
    const account = await createAccount();
    const error = await expectError(await api("/v1/templates", { key: account.key, json: { id: "empty" } }), 400, {});
    expect(error.message).toMatch(/at least one body: sms, whatsapp or email/);
    expect(await rowCount(templates, account.id)).toBe(0);
  });

  it("refuses a template that uses more variables than a message may carry", async () => {
    const account = await createAccount();
    const text = Array.from({ length: 51 }, (_, i) => `{{v${i}}}`).join(" ");
    const error = await expectError(await api("/v1/templates", { key: account.key, json: { id: "big", sms: { text } } }), 400, {});
    expect(error.message).toMatch(/at most 50 variables/);
  });

  it("answers 409 for an id the account already has, and keeps the first template", async () => {
    const account = await createAccount();
    await createTemplate(account);
    await expectError(await api("/v1/templates", { key: account.key, json: { id: "auth_otp", sms: { text: "other" } } }), 409, {
      code: "resource_already_exists",
      param: "id",
    });
    expect(await (await api("/v1/templates/auth_otp", { key: account.key })).json()).toMatchObject({ sms: otp.sms });
  });

  it("lets two accounts use the same template id", async () => {
    await createTemplate(await createAccount());
    await createTemplate(await createAccount());
  });
});

describe("templates of another account, and unknown ones", () => {
  it("are 404 to retrieve, update and delete, and stay unchanged", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    await createTemplate(owner);
    for (const [method, json] of [["GET", undefined], ["POST", { sms: { text: "hijacked" } }], ["DELETE", undefined]] as const) {
      await expectError(await api("/v1/templates/auth_otp", { key: other.key, method, json }), 404, {
        code: "resource_missing",
        message: "No such template: 'auth_otp'",
        param: "id",
      });
    }
    expect(await (await api("/v1/templates/auth_otp", { key: owner.key })).json()).toMatchObject({ sms: otp.sms });
  });

  it("cannot be sent from: another account's template id is an unknown template", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    await createTemplate(owner);
    const res = await api("/v1/messages", {
      key: other.key,
      json: { channel: "sms", to: "+14155550123", content: { template_id: "auth_otp", variables: { code: "1" } } },
    });
    await expectError(res, 400, { code: "resource_missing", param: "content[template_id]" });
    expect(await messageCount(other.id)).toBe(0);
  });
});

describe("POST /v1/templates/:id with bad input", () => {
  it("refuses removing the last body, and leaves the template as it was", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "only_sms", sms: { text: "hi" } });
    const error = await expectError(await api("/v1/templates/only_sms", { key: account.key, json: { sms: null } }), 400, {});
    expect(error.message).toMatch(/at least one body/);
    expect(await (await api("/v1/templates/only_sms", { key: account.key })).json()).toMatchObject({ sms: { text: "hi" } });
  });

  it("refuses changing the id and invalid bodies", async () => {
    const account = await createAccount();
    await createTemplate(account);
    await expectError(await api("/v1/templates/auth_otp", { key: account.key, json: { id: "renamed" } }), 400, {
      code: "parameter_unknown",
      param: "id",
    });
    await expectError(await api("/v1/templates/auth_otp", { key: account.key, json: { sms: { text: "{{ oops" } } }), 400, { param: "sms[text]" });
    expect(await (await api("/v1/templates/auth_otp", { key: account.key })).json()).toMatchObject({ sms: otp.sms });
  });
});

describe("GET /v1/templates with a bad cursor", () => {
  it.each([
    ["garbage", "not-a-cursor"],
    ["an id that is not a template id", encodeCursor({ id: "Auth OTP", dir: "next" })],
  ])("refuses %s with a 400 naming cursor", async (_, cursor) => {
    const account = await createAccount();
    await expectError(await api(`/v1/templates?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
  });

  it("is refused by the messages and senders lists when it is a template cursor", async () => {
    const account = await createAccount();
    const cursor = encodeCursor({ id: "auth_otp", dir: "next" });
    await expectError(await api(`/v1/messages?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
    await expectError(await api(`/v1/senders?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
  });
});

describe("POST /v1/messages with a template that does not fit", () => {
  const send = (account: TestAccount, channel: string, to: string, variables: Record<string, unknown>, templateId = "auth_otp") =>
    api("/v1/messages", { key: account.key, json: { channel, to, content: { template_id: templateId, variables } } });

  it.each([
    ["an unknown template", "sms", "+14155550123", { code: "1" }, "nope", "content[template_id]", "resource_missing", /No such template: 'nope'/],
    ["a channel the template has no body for", "whatsapp", "+14155550123", { code: "1" }, "sms_only", "content[template_id]", "parameter_invalid", /has no whatsapp body/],
    ["a missing variable", "sms", "+14155550123", {}, "auth_otp", "content[variables][code]", "parameter_missing", /uses \{\{code\}\}/],
    ["a variable no body uses", "sms", "+14155550123", { code: "1", coupon: "X" }, "auth_otp", "content[variables][coupon]", "parameter_unknown", /no variable 'coupon'/],
    ["a missing variable of the email body only", "email", "ana@example.com", { code: "1" }, "auth_otp", "content[variables][name]", "parameter_missing", /\{\{name\}\}/],
    ["an empty WhatsApp parameter", "whatsapp", "+14155550123", { code: "" }, "auth_otp", "content[variables][code]", "parameter_invalid", /non-empty/],
    ["a WhatsApp parameter with a new line", "whatsapp", "+14155550123", { code: "1\n2" }, "auth_otp", "content[variables][code]", "parameter_invalid", /new lines/],
    ["a line break in a variable of the email subject", "email", "ana@example.com", { code: "1\r\nBcc: x@evil.test", name: "A" }, "auth_otp", "content[variables][code]", "parameter_invalid", /subject/],
    ["a variable value over 1024 characters", "sms", "+14155550123", { code: "9".repeat(1025) }, "auth_otp", "content[variables][code]", "parameter_invalid", /at most 1024/],
  ])("refuses %s with a 400 naming it, and stores nothing", async (_, channel, to, variables, templateId, param, code, message) => {
    const account = await createAccount();
    await createTemplate(account);
    await createTemplate(account, { id: "sms_only", sms: { text: "{{code}}" } });
    const error = await expectError(await send(account, channel, to, variables, templateId), 400, { param, code });
    expect(error.message).toMatch(message);
    expect(await messageCount(account.id)).toBe(0);
  });

  it("refuses variables that make the SMS longer than 1600 characters", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "long", sms: { text: "{{a}}{{b}}" } });
    const error = await expectError(await send(account, "sms", "+14155550123", { a: "x".repeat(1000), b: "y".repeat(1000) }, "long"), 400, {
      param: "content[variables]",
    });
    expect(error.message).toMatch(/longer than 1600/);
    expect(await messageCount(account.id)).toBe(0);
  });
});
