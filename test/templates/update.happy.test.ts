import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

describe("templates CRUD", () => {
  it("updates: a body given replaces that channel's body, the others stay, updated_at moves", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key, json: { sms: { text: "Code: {{code}}. Do not share it." } } });
    expect(res.status).toBe(200);
    const updated = await res.json<Record<string, unknown>>();
    expect(updated).toMatchObject({ sms: { text: "Code: {{code}}. Do not share it." }, whatsapp: otp.whatsapp, email: otp.email });
    expect(updated.updated_at).toBeGreaterThanOrEqual(updated.created_at as number);
    expect(await (await api("/v1/templates/auth_otp", { key: account.key })).json()).toEqual(updated);
  });

  it("updates: null in JSON, or an empty value in a form, removes a channel's body", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const json = await api("/v1/templates/auth_otp", { key: account.key, json: { email: null } });
    expect(await json.json()).toMatchObject({ email: null, variables: ["code"] });
    const form = await api("/v1/templates/auth_otp", { key: account.key, form: "whatsapp=" });
    expect(await form.json()).toMatchObject({ sms: otp.sms, whatsapp: null, email: null });
  });
});
