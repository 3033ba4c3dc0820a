// Meta refuses a template message whose body parameter breaks its rule (error
// 132018, "Param text cannot have new-line/tab characters or more than 4
// consecutive spaces"), and an empty one. OmniFlow refuses such a variable at
// create, with a 400 naming it, instead of a message that fails later. What
// counts as a new line or a space is Unicode's, not only ASCII's: U+2028,
// U+2029 and U+0085 break lines, and a non-breaking space is a space.
import { describe, expect, it } from "vitest";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { messageCount } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";

const NBSP = "\u00a0";

const send = (account: TestAccount, code: string) =>
  api("/v1/messages", { key: account.key, json: { channel: "WHATSAPP", to: "+14155550123", content: { template_id: "otp", variables: { code } } } });

async function accountWithTemplate(): Promise<TestAccount> {
  const account = await createAccount("test");
  await createTemplate(account, { id: "otp", whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] } });
  return account;
}

describe("WhatsApp template parameters (Meta error 132018)", () => {
  it.each([
    ["empty", ""],
    ["a line feed", "12\n34"],
    ["a carriage return", "12\r34"],
    ["a tab", "12\t34"],
    ["a vertical tab", "12\u000b34"],
    ["a form feed", "12\u000c34"],
    ["NEXT LINE (U+0085)", "12\u008534"],
    ["LINE SEPARATOR (U+2028)", "12\u202834"],
    ["PARAGRAPH SEPARATOR (U+2029)", "12\u202934"],
    ["a NUL", "12\u000034"],
    ["an escape", "12\u001b34"],
    ["five spaces in a row", "12     34"],
    ["five non-breaking spaces in a row", `12${NBSP.repeat(5)}34`],
    ["five spaces in a row, some of them non-breaking", `12  ${NBSP} ${NBSP}34`],
    ["a run of five narrow no-break spaces (U+202F)", `12${"\u202f".repeat(5)}34`],
    ["ten spaces in a row", `12${" ".repeat(10)}34`],
  ])("refuses a parameter that is %s: 400 naming the variable, nothing stored", async (_, code) => {
    const account = await accountWithTemplate();
    const error = await expectError(await send(account, code), 400, { code: "parameter_invalid", param: "content[variables][code]" });
    expect(error.message).toMatch(/WhatsApp/);
    expect(await messageCount(account.id)).toBe(0);
  });

  it.each([
    ["four spaces in a row", "12    34"],
    ["four non-breaking spaces in a row", `12${NBSP.repeat(4)}34`],
    ["spaces apart from each other", "1 2 3 4 5 6"],
    ["letters of any script", "Zoë 注文 ✓"],
  ])("accepts a parameter with %s", async (_, code) => {
    const account = await accountWithTemplate();
    const res = await send(account, code);
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
