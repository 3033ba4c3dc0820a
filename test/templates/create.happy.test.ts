import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

describe("templates CRUD", () => {
  it("creates a template and answers 201 with it, its variables derived from the bodies", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const template = await createTemplate(account);
    expect(template).toEqual({
      ...otp,
      object: "template",
      variables: ["code", "name"],
      content_retention: "retain",
      created_at: expect.any(Number),
      updated_at: template.created_at,
    });
    expect(template.created_at).toBeGreaterThanOrEqual(before);
  });

  it("creates the same template from a form-encoded body with bracket notation", async () => {
    const account = await createAccount();
    const form = new URLSearchParams({
      id: "auth_otp",
      "sms[text]": otp.sms.text,
      "whatsapp[name]": "auth_otp",
      "whatsapp[language]": "en_US",
      "whatsapp[body_params][0]": "code",
      "email[subject]": otp.email.subject,
      "email[text]": otp.email.text,
      "email[html]": otp.email.html,
    });
    const res = await api("/v1/templates", { key: account.key, form: form.toString() });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject(otp);
  });

  it("creates a template with a body for one channel only, and a WhatsApp template without parameters", async () => {
    const account = await createAccount();
    expect(await createTemplate(account, { id: "welcome", email: { subject: "Welcome", html: "<p>Hi</p>" } })).toMatchObject({
      sms: null,
      whatsapp: null,
      email: { subject: "Welcome", html: "<p>Hi</p>" },
      variables: [],
    });
    expect(await createTemplate(account, { id: "hello", whatsapp: { name: "hello_world", language: "en" } })).toMatchObject({
      whatsapp: { name: "hello_world", language: "en", body_params: [] },
    });
  });

  it("keeps the category Meta approved a WhatsApp template under, Meta's upper-case taken as lower-case, and shows it on retrieve", async () => {
    const account = await createAccount();
    const whatsapp = { name: "auth_otp", language: "en_US", body_params: ["code"], category: "authentication" };
    expect(await createTemplate(account, { id: "auth_otp", whatsapp })).toMatchObject({ whatsapp });
    const retrieved = await (await api("/v1/templates/auth_otp", { key: account.key })).json();
    expect(retrieved).toMatchObject({ whatsapp });
    const form = new URLSearchParams({ id: "receipt", "whatsapp[name]": "receipt", "whatsapp[language]": "en", "whatsapp[category]": "UTILITY" });
    const res = await api("/v1/templates", { key: account.key, form: form.toString() });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ whatsapp: { name: "receipt", category: "utility" } });
  });

  it("leaves the category out of a WhatsApp template that declares none", async () => {
    const account = await createAccount();
    const template = await createTemplate(account, { id: "hello", whatsapp: { name: "hello_world", language: "en" } });
    expect(template.whatsapp).toEqual({ name: "hello_world", language: "en", body_params: [] });
  });
});
