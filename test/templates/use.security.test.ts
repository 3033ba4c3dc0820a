import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { plainOtp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(plainOtp);

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
