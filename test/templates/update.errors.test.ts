import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

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
    expect(await (await api("/v1/templates/auth_otp", { key: account.key })).json()).toMatchObject({ sms: plainOtp.sms });
  });
});
