// A template saved or deleted in the Console is what the very next message
// create sees, as after the same change through the API: the account's gate,
// which caches the templates a create reads, is told at once.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { consoleFetch, post, signIn } from "../support/console.ts";
import { messageDb } from "../support/db.ts";
import { createTemplate } from "../support/resources.ts";

const otpSms = (code: string) => ({ channel: "sms", to: "+14155550123", content: { template_id: "auth_otp", variables: { code } } });

async function renderedText(account: TestAccount, code: string): Promise<unknown> {
  const res = await api("/v1/messages", { key: account.key, json: otpSms(code) });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  const [row] = await messageDb(id).select().from(messages).where(eq(messages.id, id));
  return row!.rendered;
}

describe("a template changed in the Console", () => {
  it("is used by the next create at once when edited", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "auth_otp", sms: { text: "Your code is {{code}}" } });
    // The gate now holds the template: this create read it.
    expect(await renderedText(account, "111111")).toEqual({ channel: "sms", text: "Your code is 111111" });

    const session = await signIn(account);
    const saved = await post(session, "/console/templates/auth_otp", { sms_text: "Code {{code}}, valid 5 minutes", action: "save" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Saved template auth_otp.");

    expect(await renderedText(account, "222222")).toEqual({ channel: "sms", text: "Code 222222, valid 5 minutes" });
  });

  it("is refused by the next create at once when deleted", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "auth_otp", sms: { text: "Your code is {{code}}" } });
    expect(await renderedText(account, "111111")).toEqual({ channel: "sms", text: "Your code is 111111" });

    const session = await signIn(account);
    const deleted = await post(session, "/console/templates/auth_otp/delete", {});
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toContain("Deleted template auth_otp.");

    const refused = await api("/v1/messages", { key: account.key, json: otpSms("222222") });
    await expectError(refused, 400, { param: "content[template_id]", code: "resource_missing" });
  });

  it("is used by the next create at once when created, after a create refused for want of it", async () => {
    const account = await createAccount();
    const refused = await api("/v1/messages", { key: account.key, json: otpSms("333333") });
    await expectError(refused, 400, { param: "content[template_id]", code: "resource_missing" });
    const session = await signIn(account);
    const saved = await post(session, "/console/templates", { id: "auth_otp", sms_text: "Your code is {{code}}", action: "save" });
    expect(saved.status).toBe(200);
    expect(await renderedText(account, "333333")).toEqual({ channel: "sms", text: "Your code is 333333" });
  });

  it("saves the WhatsApp category chosen in the editor, shows it chosen when edited again, and keeps it on the next save", async () => {
    const account = await createAccount();
    const session = await signIn(account);
    const whatsapp = { wa_name: "auth_otp", wa_language: "en_US", wa_params: "code" };
    const saved = await post(session, "/console/templates", { id: "auth_otp", ...whatsapp, wa_category: "authentication", action: "save" });
    expect(saved.status).toBe(200);
    const shown = async () => (await api("/v1/templates/auth_otp", { key: account.key })).json<{ whatsapp: Record<string, unknown> }>();
    expect((await shown()).whatsapp).toEqual({ name: "auth_otp", language: "en_US", body_params: ["code"], category: "authentication" });
    const editor = await (await consoleFetch("/console/templates/auth_otp", { cookie: session.cookie })).text();
    expect(editor).toMatch(/<option value="authentication" selected>/);
    // The form as the browser posts it back: the selected option comes with it.
    await post(session, "/console/templates/auth_otp", { ...whatsapp, wa_category: "authentication", action: "save" });
    expect((await shown()).whatsapp).toMatchObject({ category: "authentication" });
    // "Not declared" removes it: the template is priced as marketing again.
    await post(session, "/console/templates/auth_otp", { ...whatsapp, wa_category: "", action: "save" });
    expect((await shown()).whatsapp).not.toHaveProperty("category");
  });

  it("keeps a template's media header through an edit in the Console, and sets or removes it there", async () => {
    const account = await createAccount();
    await createTemplate(account, { id: "ticket", whatsapp: { name: "ticket", language: "en_US", body_params: ["event"], header: { format: "image" } } });
    const session = await signIn(account);
    const shown = async () => (await api("/v1/templates/ticket", { key: account.key })).json<{ whatsapp: Record<string, unknown> }>();
    const editor = await (await consoleFetch("/console/templates/ticket", { cookie: session.cookie })).text();
    expect(editor).toMatch(/<option value="image" selected>/);
    // The form as the browser posts it back, the selected header with it: the header stays.
    const whatsapp = { wa_name: "ticket", wa_language: "en_US", wa_params: "event" };
    expect((await post(session, "/console/templates/ticket", { ...whatsapp, wa_header: "image", action: "save" })).status).toBe(200);
    expect((await shown()).whatsapp).toMatchObject({ header: { format: "image" } });
    await post(session, "/console/templates/ticket", { ...whatsapp, wa_header: "document", action: "save" });
    expect((await shown()).whatsapp).toMatchObject({ header: { format: "document" } });
    await post(session, "/console/templates/ticket", { ...whatsapp, wa_header: "", action: "save" });
    expect((await shown()).whatsapp).not.toHaveProperty("header");
  });
});
