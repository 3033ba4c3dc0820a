// Previews show what an account's templates render to: another account's
// template is not found, and sending_access keys (which may only create
// messages) may not preview.
import { describe, it } from "vitest";
import { addKey, createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { expectNothingStored } from "../support/state.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

describe("previews across accounts and key permissions", () => {
  it("answers 404 for another account's template, and a message preview with it is the create's 400", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    await createTemplate(owner);
    await expectNothingStored([owner, other], async () => {
      await expectError(await api("/v1/templates/auth_otp/preview", { key: other.key, json: { variables: { code: "1" } } }), 404, {
        code: "resource_missing",
        param: "id",
      });
      const body = smsBody({ content: { template_id: "auth_otp", variables: { code: "1" } } });
      await expectError(await api("/v1/messages/preview", { key: other.key, json: body }), 400, {
        code: "resource_missing",
        param: "content[template_id]",
      });
    });
  });

  it("refuses both previews to a sending_access key with a 403", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const { key } = await addKey(account.id, "test", "sending_access");
    await expectError(await api("/v1/templates/auth_otp/preview", { key, json: { variables: { code: "1" } } }), 403, { type: "permission_error" });
    await expectError(await api("/v1/messages/preview", { key, json: smsBody({ content: { template_id: "auth_otp", variables: { code: "1" } } }) }), 403, {
      type: "permission_error",
    });
  });
});
