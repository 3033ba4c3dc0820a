// What the log never holds: an API key, the account's webhook signing secret,
// a provider credential, message content. Drives the paths that log (a create
// whose Queue send fails, an unexpected failure mid-request) and the ones that
// handle those secrets (a provider call answering 500 and 400, a status_callback
// attempt the receiver refuses) while capturing every console line.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { failMessageQueries } from "../support/db.ts";
import { fakeProviders, fakeReceiver } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";
import { eventually } from "../support/wait.ts";

const LEVEL_OF_METHOD = { log: "info", warn: "warn", error: "error", info: "info", debug: "debug" } as const;

function captureConsole() {
  const spies = Object.keys(LEVEL_OF_METHOD).map((method) => {
    const spy = vi.spyOn(console, method as keyof typeof LEVEL_OF_METHOD).mockImplementation(() => {});
    return { method: method as keyof typeof LEVEL_OF_METHOD, spy };
  });
  /** Every line so far, with the console method that printed it. */
  return () => spies.flatMap(({ method, spy }) => spy.mock.calls.map((args) => ({ method, text: args.map(String).join(" ") })));
}

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.restoreAllMocks();
});

describe("the log", () => {
  it("holds no API key, webhook secret, provider credential or message content", async () => {
    const logged = captureConsole();
    const providers = fakeProviders();
    const receiver = fakeReceiver();
    fakes.push(providers, receiver);
    const account = await createAccount("live");
    const smsFrom = (await bindSender(account, "sms")).address;
    const emailFrom = (await bindSender(account, "email")).address;
    const smsText = `Your OmniFlow code is ${crypto.randomUUID()}`;
    const emailSubject = `Subject ${crypto.randomUUID()}`;
    const emailText = `Body ${crypto.randomUUID()}`;

    // Creates whose Queue send fails (logged, with the message id), so the
    // deliveries below run when the test says.
    vi.spyOn(env.MESSAGES_QUEUE, "send").mockRejectedValue(new Error("queue unavailable"));
    const create = (json: Record<string, unknown>) => api("/v1/messages", { key: account.key, json });
    const sms = await create({ channel: "sms", to: "+14155550123", from: smsFrom, content: { text: smsText }, status_callback: receiver.url });
    const email = await create({ channel: "email", to: "ana@example.com", from: emailFrom, content: { subject: emailSubject, text: emailText } });
    expect([sms.status, email.status]).toEqual([201, 201]);
    const smsId = (await sms.json<{ id: string }>()).id;
    const emailId = (await email.json<{ id: string }>()).id;

    // Failing provider calls: Twilio refuses the SMS (quoting it back, as an
    // error message might), Resend answers 500 and the email waits for a retry.
    providers.respondWith(
      () => Response.json({ code: 21211, message: `The message '${smsText}' could not be sent.`, status: 400 }, { status: 400 }),
      () => Response.json({ statusCode: 500, name: "internal_server_error", message: `Failed on '${emailSubject}'` }, { status: 500 }),
    );
    await runConsumer([smsId]);
    await runConsumer([emailId]);
    expect(providers.requests.map((request) => request.url.hostname)).toEqual(["twilio.fake", "resend.fake"]);

    // The SMS failed, so its status_callback is attempted: the receiver answers 500 and it is retried later.
    receiver.respondWith(() => new Response("no", { status: 500 }));
    await eventually(() => receiver.requests.length >= 1);
    await eventually(async () => (await messageStatusStub(env, smsId).events()).some((event) => event.type === "webhook.attempt"));

    // An unexpected failure mid-request, with the key and the content in the request.
    failMessageQueries();
    const failed = await create({ channel: "sms", to: "+14155550123", from: smsFrom, content: { text: smsText } });
    expect(failed.status).toBe(500);

    const lines = logged();
    const forbidden = {
      "API key": account.key,
      "API key secret": account.key.slice(account.keyPrefix.length),
      "webhook signing secret": account.webhookSecret,
      TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID!,
      TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN!,
      "Twilio Basic credentials": btoa(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN}`),
      WHATSAPP_ACCESS_TOKEN: env.WHATSAPP_ACCESS_TOKEN!,
      WHATSAPP_PHONE_NUMBER_ID: env.WHATSAPP_PHONE_NUMBER_ID!,
      WHATSAPP_APP_SECRET: env.WHATSAPP_APP_SECRET!,
      WHATSAPP_VERIFY_TOKEN: env.WHATSAPP_VERIFY_TOKEN!,
      RESEND_API_KEY: env.RESEND_API_KEY!,
      RESEND_WEBHOOK_SECRET: env.RESEND_WEBHOOK_SECRET!,
      "SMS text": smsText,
      "email subject": emailSubject,
      "email text": emailText,
    };
    for (const [what, value] of Object.entries(forbidden)) {
      expect(value.length, what).toBeGreaterThan(8);
      for (const line of lines) expect(line.text, `${what} in ${line.text}`).not.toContain(value);
    }

    // Every line is one JSON object with level and event, printed by its level's method.
    const parsed = lines.map((line) => ({ ...line, json: JSON.parse(line.text) as Record<string, unknown> }));
    for (const { method, json } of parsed) {
      expect(json).toMatchObject({ level: LEVEL_OF_METHOD[method], event: expect.any(String) });
    }
    const events = parsed.map(({ json }) => json);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: "error", event: "enqueue_failed", message_id: smsId }),
        expect.objectContaining({ level: "error", event: "enqueue_failed", message_id: emailId }),
        expect.objectContaining({ level: "error", event: "unhandled_error", request_id: failed.headers.get("X-Request-Id") }),
      ]),
    );
  });
});
