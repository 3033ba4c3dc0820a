import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import { createAccount, seedExample, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);
const otpSms = (variables: Record<string, string>) => ({ channel: "sms", to: "+14155550123", content: { template_id: "auth_otp", variables } });

async function send(account: TestAccount, body: Record<string, unknown>) {
  const res = await api("/v1/messages", { key: account.key, json: body });
  expect(res.status).toBe(201);
  const message = await res.json<{ id: string; content: unknown }>();
  const [row] = await messageDb(message.id).select().from(messages).where(eq(messages.id, message.id));
  return { message, rendered: row!.rendered };
}

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

    const [row] = await messageDb(message.id).select().from(messages).where(eq(messages.id, message.id));
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
