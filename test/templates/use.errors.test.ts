import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

describe("POST /v1/messages with a template that does not fit", () => {
  const send = (account: TestAccount, channel: string, to: string, variables: Record<string, unknown>, templateId = "auth_otp") =>
    api("/v1/messages", { key: account.key, json: { channel, to, content: { template_id: templateId, variables } } });

  it.each([
    ["an unknown template", "sms", "+14155550123", { code: "1" }, "nope", "content[template_id]", "resource_missing", /No such template: 'nope'/],
    [
      "a channel the template has no body for",
      "whatsapp",
      "+14155550123",
      { code: "1" },
      "sms_only",
      "content[template_id]",
      "parameter_invalid",
      /has no whatsapp body/,
    ],
    ["a missing variable", "sms", "+14155550123", {}, "auth_otp", "content[variables][code]", "parameter_missing", /uses \{\{code\}\}/],
    [
      "a variable no body uses",
      "sms",
      "+14155550123",
      { code: "1", coupon: "X" },
      "auth_otp",
      "content[variables][coupon]",
      "parameter_unknown",
      /no variable 'coupon'/,
    ],
    [
      "a missing variable of the email body only",
      "email",
      "ana@example.com",
      { code: "1" },
      "auth_otp",
      "content[variables][name]",
      "parameter_missing",
      /\{\{name\}\}/,
    ],
    ["an empty WhatsApp parameter", "whatsapp", "+14155550123", { code: "" }, "auth_otp", "content[variables][code]", "parameter_invalid", /non-empty/],
    [
      "a WhatsApp parameter with a new line",
      "whatsapp",
      "+14155550123",
      { code: "1\n2" },
      "auth_otp",
      "content[variables][code]",
      "parameter_invalid",
      /new lines/,
    ],
    [
      "a line break in a variable of the email subject",
      "email",
      "ana@example.com",
      { code: "1\r\nBcc: x@evil.test", name: "A" },
      "auth_otp",
      "content[variables][code]",
      "parameter_invalid",
      /subject/,
    ],
    [
      "a variable value over 1024 characters",
      "sms",
      "+14155550123",
      { code: "9".repeat(1025) },
      "auth_otp",
      "content[variables][code]",
      "parameter_invalid",
      /at most 1024/,
    ],
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
