import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createTemplate as create } from "../support/resources.ts";

const otp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{ code }}.", html: "<p>Hi {{name}}, your code is <b>{{code}}</b></p>" },
};

const createTemplate = (account: TestAccount, body: Record<string, unknown> = otp) => create(account, body);

describe("templates CRUD", () => {
  it("retrieves a template by its id", async () => {
    const account = await createAccount();
    const created = await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(created);
  });
});
