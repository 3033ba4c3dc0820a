import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

describe("templates of another account, and unknown ones", () => {
  it("are 404 to retrieve, update and delete, and stay unchanged", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    await createTemplate(owner);
    for (const [method, json] of [
      ["GET", undefined],
      ["POST", { sms: { text: "hijacked" } }],
      ["DELETE", undefined],
    ] as const) {
      await expectError(await api("/v1/templates/auth_otp", { key: other.key, method, json }), 404, {
        code: "resource_missing",
        message: "No such template: 'auth_otp'",
        param: "id",
      });
    }
    expect(await (await api("/v1/templates/auth_otp", { key: owner.key })).json()).toMatchObject({ sms: plainOtp.sms });
  });
});
