// The templates most template tests start from, and their create through the API.
import type { TestAccount } from "../support/accounts.ts";
import { createTemplate } from "../support/resources.ts";

export const otp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{ code }}.", html: "<p>Hi {{name}}, your code is <b>{{code}}</b></p>" },
};

/** The same without an HTML email body. */
export const plainOtp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{code}}." },
};

/** A create of `body` (by default `template`) that must answer 201. */
export function templateCreator(template: Record<string, unknown>) {
  return (account: TestAccount, body: Record<string, unknown> = template) => createTemplate(account, body);
}
