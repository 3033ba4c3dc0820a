import { describe, expect, it } from "vitest";
import { templates } from "../../src/db/control-schema.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { rowCount } from "../support/db.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

describe("POST /v1/templates with bad input", () => {
  it.each([
    ["an id with capitals", { ...plainOtp, id: "Auth_OTP" }, "id"],
    ["an id longer than 64", { ...plainOtp, id: "a".repeat(65) }, "id"],
    ["no id", { sms: plainOtp.sms }, "id"],
    ["a placeholder with a dash", { id: "t", sms: { text: "Hi {{first-name}}" } }, "sms[text]"],
    ["an unclosed placeholder", { id: "t", email: { subject: "Code {{code", text: "x" } }, "email[subject]"],
    ["an empty sms text", { id: "t", sms: { text: "" } }, "sms[text]"],
    ["an email without text or html", { id: "t", email: { subject: "Hi" } }, "email[text]"],
    ["a WhatsApp language that is not a code", { id: "t", whatsapp: { name: "otp", language: "English" } }, "whatsapp[language]"],
    ["a WhatsApp template name with capitals", { id: "t", whatsapp: { name: "AuthOTP", language: "en" } }, "whatsapp[name]"],
    [
      "a WhatsApp parameter that is not a variable name",
      { id: "t", whatsapp: { name: "otp", language: "en", body_params: ["a b"] } },
      "whatsapp[body_params][0]",
    ],
    ["an unknown channel body", { id: "t", push: { text: "hi" } }, "push"],
    ["an unknown field in a body", { id: "t", sms: { text: "hi", media_url: "https://x.test/a.png" } }, "sms[media_url]"],
  ])("refuses %s with a 400 naming the param, and stores nothing", async (_, body, param) => {
    const account = await createAccount();
    await expectError(await api("/v1/templates", { key: account.key, json: body }), 400, { param });
    expect(await rowCount(templates, account.id)).toBe(0);
  });

  it.each([
    ["a category Meta has not", "transactional"],
    ["the category of a free-form answer, which no template has", "service"],
    ["a category that is not text", 1],
  ])("refuses a WhatsApp template with %s, a 400 naming whatsapp[category] and the categories, and stores nothing", async (_, category) => {
    const account = await createAccount();
    const body = { id: "t", whatsapp: { name: "otp", language: "en", category } };
    const error = await expectError(await api("/v1/templates", { key: account.key, json: body }), 400, { param: "whatsapp[category]" });
    expect(error.message).toMatch(/marketing, utility, authentication/);
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
    expect(await (await api("/v1/templates/auth_otp", { key: account.key })).json()).toMatchObject({ sms: plainOtp.sms });
  });

  it("lets two accounts use the same template id", async () => {
    await createTemplate(await createAccount());
    await createTemplate(await createAccount());
  });
});
