// Every validation rule of POST /v1/messages: a 400 invalid_request_error that
// names the param at fault, and nothing stored. Then what a create answers when
// the Queue or D1 fails under it.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { LIMITS } from "../../src/domain/message.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { failMessageInserts, messageCount } from "../support/db.ts";
import { smsBody } from "../support/messages.ts";
import { runConsumer } from "../support/queue.ts";
import { createTemplate } from "../support/resources.ts";

const whatsapp = (content: unknown) => ({ channel: "WHATSAPP", to: "+919876543210", content });
const email = (content: unknown, overrides: Record<string, unknown> = {}) => ({ channel: "EMAIL", to: "ana@example.com", content, ...overrides });
const template = (content: Record<string, unknown>) => smsBody({ content: { template_id: "auth_otp", ...content } });
const variables = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, "x"]));

async function expectRejected(body: unknown, param: string, code = "parameter_invalid") {
  const account = await createAccount();
  const res = await api("/v1/messages", { key: account.key, json: body });
  const error = await expectError(res, 400, { type: "invalid_request_error", code, param });
  expect(await messageCount(account.id)).toBe(0);
  return error;
}

async function expectAccepted(body: unknown, prepare?: (account: TestAccount) => Promise<unknown>) {
  const account = await createAccount();
  await prepare?.(account);
  const res = await api("/v1/messages", { key: account.key, json: body });
  expect(res.status).toBe(201);
  expect(await messageCount(account.id)).toBe(1);
}

describe("POST /v1/messages validation", () => {
  describe("channel", () => {
    it.each([
      ["missing", smsBody({ channel: undefined })],
      ["not a channel", smsBody({ channel: "FAX" })],
      ["empty", smsBody({ channel: "" })],
      ["padded with spaces", smsBody({ channel: " SMS " })],
      ["a number", smsBody({ channel: 1 })],
    ])("is rejected when %s", async (_case, body) => {
      await expectRejected(body, "channel");
    });

    it("says which channels exist", async () => {
      const error = await expectRejected(smsBody({ channel: "FAX" }), "channel");
      expect(error.message).toContain("WHATSAPP, SMS, EMAIL");
    });
  });

  describe("to", () => {
    it.each([
      ["missing", smsBody({ to: undefined })],
      ["empty", smsBody({ to: "" })],
      ["a number without the leading +", smsBody({ to: "14155550123" })],
      ["too short for its country", smsBody({ to: "+1415555" })],
      ["too long for its country", smsBody({ to: "+4479111234567" })],
      ["a US number with a non-existent area code", smsBody({ to: "+19995550123" })],
      ["an unassigned country calling code", smsBody({ to: "+999123456789" })],
      ["letters", smsBody({ to: "+1415CALLNOW" })],
      ["a JSON number", smsBody({ to: 14155550123 })],
      ["an email address on SMS", smsBody({ to: "ana@example.com" })],
      ["an email address on WhatsApp", { ...whatsapp({ text: "hi" }), to: "ana@example.com" }],
      ["a phone number on email", email({ subject: "Hi", text: "hi" }, { to: "+14155550123" })],
      ["not an email address on email", email({ subject: "Hi", text: "hi" }, { to: "ana@" })],
    ])("is rejected when %s", async (_case, body) => {
      await expectRejected(body, "to");
    });

    it("explains that SMS needs an E.164 number when given an email address", async () => {
      const error = await expectRejected(smsBody({ to: "ana@example.com" }), "to");
      expect(error.message).toMatch(/E\.164/);
    });
  });

  describe("from", () => {
    it.each([
      ["empty", smsBody({ from: "" })],
      ["a sender id longer than 11 characters", smsBody({ from: "omni_verify_x" })],
      ["digits that are not a valid number", smsBody({ from: "12345" })],
      ["an invalid phone number", smsBody({ from: "+1234" })],
      ["a sender id with symbols", smsBody({ from: "omni<verify>" })],
      ["an email address on SMS", smsBody({ from: "ana@example.com" })],
      ["not an email address on email", email({ subject: "Hi", text: "hi" }, { from: "OmniFlow" })],
      ["a named sender without a valid address on email", email({ subject: "Hi", text: "hi" }, { from: "OmniFlow <noreply>" })],
    ])("is rejected when %s", async (_case, body) => {
      await expectRejected(body, "from");
    });
  });

  describe("content", () => {
    it.each([
      ["missing", smsBody({ content: undefined }), "content"],
      ["a string", smsBody({ content: "hello" }), "content"],
      ["an array", smsBody({ content: ["hello"] }), "content"],
      ["SMS without text", smsBody({ content: {} }), "content[text]"],
      ["SMS with empty text", smsBody({ content: { text: "" } }), "content[text]"],
      ["SMS with a number as text", smsBody({ content: { text: 42 } }), "content[text]"],
      ["WhatsApp without text", whatsapp({}), "content[text]"],
      ["email without a subject", email({ text: "hi" }), "content[subject]"],
      ["email with an empty subject", email({ subject: "", text: "hi" }), "content[subject]"],
      ["email with a subject but neither text nor html", email({ subject: "Hi" }), "content[text]"],
      ["email with empty html", email({ subject: "Hi", html: "" }), "content[html]"],
    ])("is rejected for %s", async (_case, body, param) => {
      await expectRejected(body, param);
    });

    it.each([
      ["an email subject on SMS", smsBody({ content: { text: "hi", subject: "Hi" } }), "content[subject]"],
      ["an unknown field on SMS", smsBody({ content: { text: "hi", foo: "bar" } }), "content[foo]"],
      ["an unknown field on WhatsApp", whatsapp({ text: "hi", foo: "bar" }), "content[foo]"],
      ["an unknown field on email", email({ subject: "Hi", text: "hi", foo: "bar" }), "content[foo]"],
      ["an unknown field beside a template", template({ variables: {}, foo: "bar" }), "content[foo]"],
      ["text beside a template", template({ text: "hi" }), "content[text]"],
    ])("names %s as an unknown parameter", async (_case, body, param) => {
      const error = await expectRejected(body, param, "parameter_unknown");
      expect(error.message).toBe(`Received unknown parameter: ${param}`);
    });
  });

  describe("size bounds, accepted at the limit and rejected one past it", () => {
    // Template cases need a template that uses exactly the variables sent at the limit.
    const smsTemplate = (id: string, text: string) => (account: TestAccount) => createTemplate(account, { id, sms: { text } });
    const bounds: [name: string, body: (size: number) => unknown, limit: number, param: string, prepare?: (account: TestAccount) => Promise<unknown>][] = [
      ["SMS text", (n) => smsBody({ content: { text: "a".repeat(n) } }), LIMITS.smsText, "content[text]"],
      ["WhatsApp text", (n) => whatsapp({ text: "a".repeat(n) }), LIMITS.whatsappText, "content[text]"],
      ["email subject", (n) => email({ subject: "a".repeat(n), text: "hi" }), LIMITS.emailSubject, "content[subject]"],
      ["email text", (n) => email({ subject: "Hi", text: "a".repeat(n) }), LIMITS.emailBody, "content[text]"],
      ["email html", (n) => email({ subject: "Hi", html: "a".repeat(n) }), LIMITS.emailBody, "content[html]"],
      [
        "variables count",
        (n) => template({ variables: variables(n) }),
        LIMITS.variables,
        "content[variables]",
        smsTemplate(
          "auth_otp",
          Object.keys(variables(LIMITS.variables))
            .map((name) => `{{${name}}}`)
            .join(""),
        ),
      ],
      [
        "variable value",
        (n) => template({ variables: { code: "1".repeat(n) } }),
        LIMITS.variableValue,
        "content[variables][code]",
        smsTemplate("auth_otp", "{{code}}"),
      ],
      ["template_id", (n) => template({ template_id: "a".repeat(n) }), 64, "content[template_id]", smsTemplate("a".repeat(64), "hi")],
      [
        "variable name",
        (n) => template({ variables: { ["a".repeat(n)]: "1" } }),
        64,
        `content[variables][${"a".repeat(65)}]`,
        smsTemplate("auth_otp", `{{${"a".repeat(64)}}}`),
      ],
    ];

    it("uses the documented text limits: 1600 for SMS, 4096 for WhatsApp", () => {
      expect(LIMITS.smsText).toBe(1600);
      expect(LIMITS.whatsappText).toBe(4096);
    });

    it.each(bounds)("%s", async (_name, body, limit, param, prepare) => {
      await expectAccepted(body(limit), prepare);
      await expectRejected(body(limit + 1), param);
    });
  });

  describe("template content", () => {
    it.each([
      ["an empty template_id", template({ template_id: "" }), "content[template_id]"],
      ["a template_id with upper case", template({ template_id: "Auth_OTP" }), "content[template_id]"],
      ["a template_id with a dash", template({ template_id: "auth-otp" }), "content[template_id]"],
      ["a template_id with a space", template({ template_id: "auth otp" }), "content[template_id]"],
      ["a numeric template_id", template({ template_id: 42 }), "content[template_id]"],
      ["variables as an array", template({ variables: ["849201"] }), "content[variables]"],
      ["variables as a string", template({ variables: "code=849201" }), "content[variables]"],
      ["a variable name with a dash", template({ variables: { "otp-code": "1" } }), "content[variables][otp-code]"],
      ["a variable name with a space", template({ variables: { "otp code": "1" } }), "content[variables][otp code]"],
      ["a variable whose value is an object", template({ variables: { code: { value: 1 } } }), "content[variables][code]"],
      ["a variable whose value is a boolean", template({ variables: { code: true } }), "content[variables][code]"],
      ["a variable whose value is null", template({ variables: { code: null } }), "content[variables][code]"],
    ])("is rejected for %s", async (_case, body, param) => {
      await expectRejected(body, param);
    });
  });

  describe("unknown top-level fields", () => {
    it.each(["priority", "account_id", "status", "id", "created_at"])("refuses %s by name", async (field) => {
      const error = await expectRejected(smsBody({ [field]: "x" }), field, "parameter_unknown");
      expect(error.message).toBe(`Received unknown parameter: ${field}`);
    });

    it("refuses an unknown field in a form-encoded body with its bracket name", async () => {
      const account = await createAccount();
      const res = await api("/v1/messages", { key: account.key, form: "channel=sms&to=%2B14155550123&content[text]=hi&content[foo]=1" });
      await expectError(res, 400, { code: "parameter_unknown", param: "content[foo]" });
      expect(await messageCount(account.id)).toBe(0);
    });
  });

  describe("request body", () => {
    it.each([
      ["an array", [smsBody()]],
      ["a string", "channel=sms"],
      ["null", null],
    ])("refuses a JSON body that is %s", async (_case, body) => {
      const account = await createAccount();
      const res = await api("/v1/messages", { key: account.key, json: body });
      await expectError(res, 400, { type: "invalid_request_error", code: "invalid_body" });
      expect(await messageCount(account.id)).toBe(0);
    });

    it("refuses a form body nested deeper than any message needs", async () => {
      const account = await createAccount();
      const res = await api("/v1/messages", { key: account.key, form: "channel=sms&to=%2B14155550123&content[a][b][c][d][e][f]=1" });
      await expectError(res, 400, { type: "invalid_request_error", code: "invalid_form_body" });
      expect(await messageCount(account.id)).toBe(0);
    });
  });
});

describe("POST /v1/messages", () => {
  afterEach(() => vi.restoreAllMocks());

  it("still answers 201 when the queue send fails, because the stored row is re-driven (redrive.errors.test.ts)", async () => {
    const account = await createAccount();
    vi.spyOn(env.MESSAGES_QUEUE, "send").mockRejectedValue(new Error("queue unavailable"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await api("/v1/messages", { key: account.key, json: smsBody() });
    expect(res.status).toBe(201);
    expect(await messageCount(account.id)).toBe(1);
  });

  it("answers 500 api_error and stores nothing when D1 fails", async () => {
    const account = await createAccount();
    const send = vi.spyOn(env.MESSAGES_QUEUE, "send");
    vi.spyOn(console, "error").mockImplementation(() => {});
    failMessageInserts();
    const res = await api("/v1/messages", { key: account.key, json: smsBody() });
    expect(res.status).toBe(500);
    const body = await res.json<{ error: Record<string, unknown> }>();
    expect(body.error).toMatchObject({ type: "api_error", code: "internal_error" });
    expect(JSON.stringify(body)).not.toContain("D1_ERROR");
    vi.restoreAllMocks();
    expect(await messageCount(account.id)).toBe(0);
    // The job went out with the insert; it finds no message, so nothing is
    // handed to a provider: retried while the row could still be committing,
    // then dropped.
    const jobs = send.mock.calls.map(([job]) => (job as { messageId: string }).messageId);
    expect(jobs).toHaveLength(1);
    expect((await runConsumer(jobs, 1)).retryDelays).toEqual([2]);
    const last = await runConsumer(jobs, 3);
    expect(last.explicitAcks).toEqual([expect.any(String)]);
    expect(await messageStatusStub(env, jobs[0]!).events()).toEqual([]);
  });
});
