import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/schema.ts";
import { createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { db } from "../support/db.ts";
import { createTemplate as create } from "../support/resources.ts";

const otp = {
  id: "auth_otp",
  sms: { text: "Your code is {{code}}" },
  whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
  email: { subject: "Code {{code}}", text: "Hi {{name}}, your code is {{ code }}.", html: "<p>Hi {{name}}, your code is <b>{{code}}</b></p>" },
};

const createTemplate = (account: TestAccount, body: Record<string, unknown> = otp) => create(account, body);
const otpSms = (variables: Record<string, string>) => ({ channel: "sms", to: "+14155550123", content: { template_id: "auth_otp", variables } });

async function send(account: TestAccount, body: Record<string, unknown>) {
  const res = await api("/v1/messages", { key: account.key, json: body });
  expect(res.status).toBe(201);
  const message = await res.json<{ id: string; content: unknown }>();
  const [row] = await db().select().from(messages).where(eq(messages.id, message.id));
  return { message, rendered: row!.rendered };
}

describe("templates CRUD", () => {
  it("creates a template and answers 201 with it, its variables derived from the bodies", async () => {
    const account = await createAccount();
    const before = Math.floor(Date.now() / 1000);
    const template = await createTemplate(account);
    expect(template).toEqual({
      ...otp,
      object: "template",
      variables: ["code", "name"],
      created_at: expect.any(Number),
      updated_at: template.created_at,
    });
    expect(template.created_at).toBeGreaterThanOrEqual(before);
  });

  it("retrieves a template by its id", async () => {
    const account = await createAccount();
    const created = await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(created);
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

  it("deletes a template; it is then gone, and its id can be used again", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "auth_otp", object: "template", deleted: true });
    expect((await api("/v1/templates/auth_otp", { key: account.key })).status).toBe(404);
    await createTemplate(account);
  });
});

describe("GET /v1/templates", () => {
  it("lists an account's templates in order of id, with the messages' envelope and cursors both ways", async () => {
    const account = await createAccount();
    const ids = ["a_first", "b_second", "c_third", "d_fourth", "e_fifth"];
    for (const id of [...ids].reverse()) await createTemplate(account, { id, sms: { text: id } });

    const first = await (await api("/v1/templates?limit=2", { key: account.key })).json<Record<string, unknown>>();
    expect(first).toMatchObject({ object: "list", prev_cursor: null, has_more: true });
    expect((first.data as { id: string }[]).map((t) => t.id)).toEqual(["a_first", "b_second"]);

    const second = await (await api(`/v1/templates?limit=2&cursor=${first.next_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect((second.data as { id: string }[]).map((t) => t.id)).toEqual(["c_third", "d_fourth"]);
    expect(second.prev_cursor).toEqual(expect.any(String));

    const back = await (await api(`/v1/templates?limit=2&cursor=${second.prev_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect((back.data as { id: string }[]).map((t) => t.id)).toEqual(["a_first", "b_second"]);
    expect(back).toMatchObject({ prev_cursor: null, has_more: false });

    const last = await (await api(`/v1/templates?limit=2&cursor=${second.next_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect(last).toMatchObject({ next_cursor: null, has_more: false });
    expect((last.data as { id: string }[]).map((t) => t.id)).toEqual(["e_fifth"]);

    expect((await listAll<{ id: string }>("/v1/templates", account.key, 3)).map((t) => t.id)).toEqual(ids);
  });

  it("lists only the caller's templates, 20 by default", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await createTemplate(other);
    const empty = await (await api("/v1/templates", { key: account.key })).json();
    expect(empty).toEqual({ object: "list", data: [], next_cursor: null, prev_cursor: null, has_more: false });
    for (let i = 0; i < 21; i++) await createTemplate(account, { id: `t_${String(i).padStart(2, "0")}`, sms: { text: "hi" } });
    const page = await (await api("/v1/templates", { key: account.key })).json<{ data: unknown[]; has_more: boolean }>();
    expect(page.data).toHaveLength(20);
    expect(page.has_more).toBe(true);
  });
});

describe("POST /v1/messages with a template", () => {
  it("renders SMS text, keeping the content as given", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const { message, rendered } = await send(account, otpSms({ code: "849201" }));
    expect(message.content).toEqual({ template_id: "auth_otp", variables: { code: "849201" } });
    expect(rendered).toEqual({ channel: "sms", text: "Your code is 849201" });
  });

  it("maps WhatsApp variables onto the approved template's body parameters in order", async () => {
    const account = await createAccount();
    await createTemplate(account, {
      id: "shipping",
      whatsapp: { name: "order_shipped", language: "pt_BR", body_params: ["name", "order", "eta"] },
    });
    const { rendered } = await send(account, {
      channel: "WHATSAPP",
      to: "+5511987654321",
      content: { template_id: "shipping", variables: { eta: "amanhã", order: "A-1042", name: "Ana" } },
    });
    expect(rendered).toEqual({ channel: "whatsapp", type: "template", name: "order_shipped", language: "pt_BR", bodyParams: ["Ana", "A-1042", "amanhã"] });
  });

  it("renders email subject and text as given and escapes variables in the HTML", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const name = `<script>alert("x")</script> & 'co'`;
    const { rendered } = await send(account, {
      channel: "email",
      to: "ana@example.com",
      content: { template_id: "auth_otp", variables: { code: "849201", name } },
    });
    expect(rendered).toEqual({
      channel: "email",
      subject: "Code 849201",
      text: `Hi ${name}, your code is 849201.`,
      html: "<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;, your code is <b>849201</b></p>",
    });
  });

  it("accepts variables only another channel's body uses, so one set of variables fits every channel", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const { rendered } = await send(account, otpSms({ code: "1234", name: "Ana" }));
    expect(rendered).toEqual({ channel: "sms", text: "Your code is 1234" });
  });

  it("keeps a sent message's content and rendering when the template is edited or deleted later", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const { message, rendered } = await send(account, otpSms({ code: "849201" }));
    await api("/v1/templates/auth_otp", { key: account.key, json: { sms: { text: "New wording {{code}}" } } });
    const after = await send(account, otpSms({ code: "1" }));
    expect(after.rendered).toEqual({ channel: "sms", text: "New wording 1" });
    await api("/v1/templates/auth_otp", { key: account.key, method: "DELETE" });

    const [row] = await db().select().from(messages).where(eq(messages.id, message.id));
    expect(row!.rendered).toEqual(rendered);
    expect(await (await api(`/v1/messages/${message.id}`, { key: account.key })).json()).toMatchObject({ content: message.content });
  });

  it("sends the reference's example as npm run dev seeds it, on every channel", async () => {
    const account = await createAccount();
    await seedExample(account);
    const content = { template_id: "auth_otp", variables: { code: "849201" } };
    const whatsapp = await send(account, { channel: "WHATSAPP", to: "+919876543210", from: "omni_verify", content });
    expect(whatsapp.rendered).toEqual({ channel: "whatsapp", type: "template", name: "auth_otp", language: "en_US", bodyParams: ["849201"] });
    expect((await send(account, { channel: "SMS", to: "+919876543210", from: "omni_verify", content })).rendered).toMatchObject({
      text: expect.stringContaining("849201"),
    });
    expect((await send(account, { channel: "EMAIL", to: "ana@example.com", content })).rendered).toMatchObject({
      subject: expect.stringContaining("849201"),
    });
  });
});
