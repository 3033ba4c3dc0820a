// POST /v1/templates/:id/preview renders each body as a create would, with
// the SMS text's encoding and segments, and stores nothing.
import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { countD1Statements } from "../support/db.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { expectNothingStored } from "../support/state.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

async function preview(account: TestAccount, id: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await api(`/v1/templates/${id}/preview`, { key: account.key, json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

describe("POST /v1/templates/:id/preview", () => {
  it("renders every body the template has, the SMS with its encoding and segments", async () => {
    const account = await createAccount();
    await createTemplate(account);
    expect(await preview(account, "auth_otp", { variables: { code: "849201", name: "Ana & Bo" } })).toEqual({
      id: "auth_otp",
      object: "template_preview",
      sms: { text: "Your code is 849201", encoding: "gsm7", segments: 1 },
      whatsapp: { name: "auth_otp", language: "en_US", parameters: ["849201"] },
      email: { subject: "Code 849201", text: "Hi Ana & Bo, your code is 849201.", html: "<p>Hi Ana &amp; Bo, your code is <b>849201</b></p>" },
    });
  });

  it("renders one channel when asked, which then needs only that body's variables", async () => {
    const account = await createAccount();
    await createTemplate(account);
    // {{name}} is used by the email body only.
    expect(await preview(account, "auth_otp", { variables: { code: "849201" }, channel: "SMS" })).toEqual({
      id: "auth_otp",
      object: "template_preview",
      sms: { text: "Your code is 849201", encoding: "gsm7", segments: 1 },
      whatsapp: null,
      email: null,
    });
  });

  // "Code: " is 6 characters: 6 + 154 = 160 septets fit one segment, 161 do not;
  // in UCS-2, 6 + 2 (the emoji's surrogate pair) + 62 = 70 units fit one, 71 do not.
  it.each([
    ["160 septets", "1".repeat(154), { encoding: "gsm7", segments: 1 }],
    ["161 septets", "1".repeat(155), { encoding: "gsm7", segments: 2 }],
    ["70 UCS-2 units", `😀${"1".repeat(62)}`, { encoding: "ucs2", segments: 1 }],
    ["71 UCS-2 units", `😀${"1".repeat(63)}`, { encoding: "ucs2", segments: 2 }],
  ])("counts the SMS as rendered, %s, as the create then does", async (_case, code, expected) => {
    const account = await createAccount();
    await createTemplate(account, { id: "short", sms: { text: "Code: {{code}}" } });
    const previewed = await preview(account, "short", { variables: { code } });
    expect(previewed.sms).toMatchObject(expected);
    const created = await createMessage(account, smsBody({ content: { template_id: "short", variables: { code } } }));
    expect({ encoding: created.encoding, segments: created.segments }).toEqual(expected);
  });

  it("reads the same from a form body, and stores nothing", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const json = await preview(account, "auth_otp", { variables: { code: "849201", name: "Ana" } });
    const d1 = countD1Statements([account.id]);
    const res = await expectNothingStored(account, () =>
      api("/v1/templates/auth_otp/preview", { key: account.key, form: "variables[code]=849201&variables[name]=Ana" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(json);
    expect(d1.writes).toBe(0);
  });
});
