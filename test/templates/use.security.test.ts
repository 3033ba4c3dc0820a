import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { createTemplate as create } from "../support/resources.ts";

const otp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{code}}." },
};

const createTemplate = (account: TestAccount, body: Record<string, unknown> = otp) => create(account, body);

describe("templates of another account, and unknown ones", () => {
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
