// A template preview reports a variable as the create does (missing,
// unknown, unfit for its channel), named in this request's terms
// (variables[code]); and the template must exist.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { expectNothingStored } from "../support/state.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

async function refused(body: unknown, status: number, expected: Record<string, string>, id = "auth_otp") {
  const account = await createAccount();
  await createTemplate(account);
  return expectNothingStored(account, async () => expectError(await api(`/v1/templates/${id}/preview`, { key: account.key, json: body }), status, expected));
}

describe("POST /v1/templates/:id/preview errors", () => {
  it("reports a missing variable as the create does, naming variables[code]", async () => {
    const error = await refused({ variables: { name: "Ana" } }, 400, { code: "parameter_missing", param: "variables[code]" });
    expect(error.message).toContain("variables[code]");
    expect(error.message).not.toContain("content[");
    // The create of an SMS with the same variables reports the same variable, in its own body's terms.
    const account = await createAccount();
    await createTemplate(account);
    const body = smsBody({ content: { template_id: "auth_otp", variables: { name: "Ana" } } });
    await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { code: "parameter_missing", param: "content[variables][code]" });
  });

  it("needs every body's variables when no channel is named", async () => {
    // {{name}} is in the email body only.
    await refused({ variables: { code: "1" } }, 400, { code: "parameter_missing", param: "variables[name]" });
  });

  it.each([
    ["a variable no body uses", { variables: { code: "1", nmae: "Ana" } }, { code: "parameter_unknown", param: "variables[nmae]" }],
    ["a WhatsApp parameter with a new line", { variables: { code: "1\n2", name: "Ana" } }, { code: "parameter_invalid", param: "variables[code]" }],
    ["an email subject variable with a line break", { variables: { code: "1\r\nBcc: x@y.z", name: "Ana" }, channel: "email" }, { param: "variables[code]" }],
    ["a value over 1,024 characters", { variables: { code: "1".repeat(1025) } }, { param: "variables[code]" }],
    ["a variable name with a dash", { variables: { "co-de": "1" } }, { param: "variables[co-de]" }],
    ["variables that are not an object", { variables: "code=1" }, { param: "variables" }],
    ["an unknown field", { variables: { code: "1" }, to: "+14155550123" }, { param: "to" }],
    ["a channel that does not exist", { variables: { code: "1" }, channel: "FAX" }, { param: "channel" }],
  ])("refuses %s with a 400 naming it", async (_case, body, expected) => {
    await refused(body, 400, expected);
  });

  it("refuses a channel the template has no body for", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "sms_only", sms: { text: "Code {{code}}" } });
    await expectError(await api("/v1/templates/sms_only/preview", { key: account.key, json: { variables: { code: "1" }, channel: "EMAIL" } }), 400, {
      code: "parameter_invalid",
      param: "channel",
    });
  });

  it("is a 404 for a template that does not exist", async () => {
    await refused({ variables: {} }, 404, { code: "resource_missing", param: "id" }, "missing");
  });
});
