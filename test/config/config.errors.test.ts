// The deployment's configuration (src/config.ts): every missing or malformed
// variable is named, no value is ever echoed, and a bad deployment answers the
// usual 500 envelope with a log line that names the variable.
import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig, MAX_SANDBOX_DELAY_MS, parseConfig } from "../../src/config.ts";
import type { DeliveryJob } from "../../src/delivery/job.ts";
import worker from "../../src/index.ts";
import { providerFor } from "../../src/providers/index.ts";
import { expectError } from "../support/api.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The test deployment's variables (vitest.config.ts), with some replaced or removed (undefined). */
const vars = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...env, ...overrides });

function configError(overrides: Record<string, unknown>): ConfigError {
  try {
    parseConfig(vars(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("the configuration was accepted");
}

describe("a valid configuration", () => {
  it("is typed: numbers for the sandbox, URLs without a trailing slash, credentials per provider", () => {
    const config = parseConfig(vars({ RESEND_API_BASE: "https://resend.fake/", SANDBOX_SEND_LATENCY_MS: 25 }));
    expect(config.sandbox).toEqual({ sendLatencyMs: 25, reportDelayMs: 100 });
    expect(config.publicBaseUrl).toBe("https://api.omniflow.test");
    expect(config.resend).toMatchObject({ apiBase: "https://resend.fake", credentials: { apiKey: env.RESEND_API_KEY }, missing: [] });
    expect(config.twilio.credentials).toEqual({ accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN });
    expect(config.whatsapp.credentials).toEqual({ accessToken: env.WHATSAPP_ACCESS_TOKEN, defaultPhoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID });
  });

  it("takes an empty PUBLIC_BASE_URL as none (without Twilio), and a trailing slash as the origin", () => {
    const noTwilio = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: "" };
    expect(parseConfig(vars({ ...noTwilio, PUBLIC_BASE_URL: "" })).publicBaseUrl).toBeNull();
    expect(parseConfig(vars({ ...noTwilio, PUBLIC_BASE_URL: undefined })).publicBaseUrl).toBeNull();
    expect(parseConfig(vars({ PUBLIC_BASE_URL: "https://api.omniflow.example/" })).publicBaseUrl).toBe("https://api.omniflow.example");
  });

  it("leaves a live provider without credentials unconfigured, naming what is missing, instead of failing the deployment", () => {
    const config = parseConfig(
      vars({ TWILIO_AUTH_TOKEN: undefined, RESEND_API_KEY: "", WHATSAPP_ACCESS_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: undefined }),
    );
    expect(config.twilio).toMatchObject({ credentials: null, missing: ["TWILIO_AUTH_TOKEN"] });
    expect(config.resend).toMatchObject({ credentials: null, missing: ["RESEND_API_KEY"] });
    expect(config.whatsapp).toMatchObject({ credentials: null, missing: ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"] });
  });

  it("is parsed once per env object", () => {
    const own = vars() as unknown as Env;
    expect(loadConfig(own)).toBe(loadConfig(own));
    expect(loadConfig(vars() as unknown as Env)).not.toBe(loadConfig(own));
  });
});

describe("a bad configuration names each variable", () => {
  it.each([
    ["SANDBOX_REPORT_DELAY_MS", "abc", "SANDBOX_REPORT_DELAY_MS must be a whole number of milliseconds"],
    ["SANDBOX_SEND_LATENCY_MS", "-5", "SANDBOX_SEND_LATENCY_MS must be a whole number of milliseconds"],
    ["SANDBOX_SEND_LATENCY_MS", "1.5", "SANDBOX_SEND_LATENCY_MS must be a whole number of milliseconds"],
    ["SANDBOX_REPORT_DELAY_MS", String(MAX_SANDBOX_DELAY_MS + 1), "SANDBOX_REPORT_DELAY_MS must be a whole number of milliseconds"],
    ["SANDBOX_REPORT_DELAY_MS", undefined, "SANDBOX_REPORT_DELAY_MS is not set"],
    ["TWILIO_API_BASE", undefined, "TWILIO_API_BASE is not set"],
    ["TWILIO_API_BASE", "", "TWILIO_API_BASE is not set"],
    ["WHATSAPP_API_BASE", "graph.facebook.com/v23.0", "WHATSAPP_API_BASE must be an http(s) URL"],
    ["RESEND_API_BASE", "ftp://resend.fake", "RESEND_API_BASE must be an http(s) URL"],
    ["RESEND_API_BASE", "https://resend.fake/?x=1", "RESEND_API_BASE must be an http(s) URL"],
    ["TWILIO_API_BASE", 42, "TWILIO_API_BASE must be a string"],
    ["PUBLIC_BASE_URL", "http://api.omniflow.example", "PUBLIC_BASE_URL must be an https origin"],
    ["PUBLIC_BASE_URL", "https://api.omniflow.example/v1", "PUBLIC_BASE_URL must be an https origin"],
    ["PUBLIC_BASE_URL", "api.omniflow.example", "PUBLIC_BASE_URL must be an https origin"],
    ["TWILIO_ACCOUNT_SID", "AC-not-a-sid", "TWILIO_ACCOUNT_SID must be 'AC' followed by 32 hex digits"],
    ["WHATSAPP_PHONE_NUMBER_ID", "+14155550100", "WHATSAPP_PHONE_NUMBER_ID must be digits only"],
    ["RESEND_WEBHOOK_SECRET", "whsec_not base64!", "RESEND_WEBHOOK_SECRET must be the webhook's signing secret"],
    ["TWILIO_AUTH_TOKEN", "twilio-test-token\n", "TWILIO_AUTH_TOKEN has leading or trailing whitespace"],
    ["VERIFICATION_CODE_SECRET", "too-short-to-derive-keys-from", "VERIFICATION_CODE_SECRET must be at least 32 characters"],
  ])("%s = %j", (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.variables).toEqual([name]);
    expect(error.message).toContain(message);
  });

  it("lists every bad variable at once", () => {
    const error = configError({ SANDBOX_REPORT_DELAY_MS: "abc", PUBLIC_BASE_URL: "http://x.example", RESEND_API_BASE: undefined });
    expect(error.variables.sort()).toEqual(["PUBLIC_BASE_URL", "RESEND_API_BASE", "SANDBOX_REPORT_DELAY_MS"]);
  });

  it("never echoes a value: a bad secret may still be a secret", () => {
    for (const [name, value] of [
      ["TWILIO_ACCOUNT_SID", "ACsecretish-but-malformed"],
      ["TWILIO_AUTH_TOKEN", " a-real-token-with-a-space"],
      ["RESEND_WEBHOOK_SECRET", "whsec_real!secret"],
      ["PUBLIC_BASE_URL", "https://user:hunter2@api.omniflow.example"],
    ]) {
      const error = configError({ [name!]: value });
      expect(error.message).toContain(name);
      expect(error.message).not.toContain(value!.trim());
    }
  });
});

describe("where a bad configuration is met", () => {
  const badEnv = () => vars({ SANDBOX_REPORT_DELAY_MS: "abc" }) as unknown as Env;

  it("an API request answers the usual 500 envelope, and its log line names the variable", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await worker.fetch!(new Request("http://api.omniflow.test/v1/messages"), badEnv(), createExecutionContext());
    await expectError(res, 500, { type: "api_error", code: "internal_error" });
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    const failure = lines.find((line) => line.event === "unhandled_error");
    expect(failure).toMatchObject({ level: "error", request_id: res.headers.get("X-Request-Id"), path: "/v1/messages" });
    expect(failure!.error).toContain("SANDBOX_REPORT_DELAY_MS");
    // Logged once when first found, with the names alone.
    expect(lines.filter((line) => line.event === "config_invalid")).toEqual([
      expect.objectContaining({ level: "error", invalid: ["SANDBOX_REPORT_DELAY_MS"] }),
    ]);
  });

  it("the API document and /healthz do not depend on it", async () => {
    const bad = badEnv();
    expect((await worker.fetch!(new Request("http://api.omniflow.test/healthz"), bad, createExecutionContext())).status).toBe(200);
    expect((await worker.fetch!(new Request("http://api.omniflow.test/v1/openapi.json"), bad, createExecutionContext())).status).toBe(200);
  });

  it("a delivery batch fails before any message is handed off, so the Queue retries it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const get = vi.spyOn(env.MESSAGE_STATUS, "get");
    const batch = createMessageBatch<DeliveryJob>("omniflow-messages", [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { messageId: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" } },
    ]);
    await expect((worker as ExportedHandler<Env, DeliveryJob>).queue!(batch, badEnv(), createExecutionContext())).rejects.toThrow("SANDBOX_REPORT_DELAY_MS");
    expect(get).not.toHaveBeenCalled();
  });

  it("a live provider missing a credential is retried, and the log names the variable, not the others' values", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const provider = providerFor(vars({ TWILIO_AUTH_TOKEN: undefined }) as unknown as Env, "live", "sms");
    const result = await provider.send({ messageId: "msg_1", to: "+14155550123", from: "+14155550100", content: { channel: "sms", text: "hi" }, attempt: 1 });
    expect(result).toMatchObject({ ok: false, retryable: true, code: "provider_unavailable" });
    expect(JSON.parse(String(log.mock.calls[0]![0]))).toMatchObject({
      level: "error",
      event: "provider_not_configured",
      provider: "twilio",
      missing: ["TWILIO_AUTH_TOKEN"],
    });
    expect(JSON.stringify(log.mock.calls)).not.toContain(env.TWILIO_ACCOUNT_SID);
  });
});

describe("a live configuration that cannot receive Twilio's reports", () => {
  // Twilio credentials without PUBLIC_BASE_URL: no StatusCallback, so every live SMS would stay `sent` for good.
  const cases = [
    ["empty", { PUBLIC_BASE_URL: "" }],
    ["unset", { PUBLIC_BASE_URL: undefined }],
    ["unset, with only the account SID", { PUBLIC_BASE_URL: undefined, TWILIO_AUTH_TOKEN: undefined }],
  ] as const;

  it.each(cases)("is refused with PUBLIC_BASE_URL %s, in a message that says why", (_, overrides) => {
    const error = configError(overrides);
    expect(error.variables).toEqual(["PUBLIC_BASE_URL"]);
    expect(error.message).toMatch(/PUBLIC_BASE_URL must be set when Twilio credentials are/);
    expect(error.message).toMatch(/delivery reports/);
  });

  it("does not start: every API request is a 500 whose log names PUBLIC_BASE_URL, and every delivery batch fails", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const liveWithoutReports = vars({ PUBLIC_BASE_URL: "" }) as unknown as Env;
    const res = await worker.fetch!(new Request("http://api.omniflow.test/v1/account"), liveWithoutReports, createExecutionContext());
    await expectError(res, 500, { type: "api_error", code: "internal_error" });
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    expect(lines.find((line) => line.event === "config_invalid")).toMatchObject({ invalid: ["PUBLIC_BASE_URL"] });
    const batch = createMessageBatch<DeliveryJob>("omniflow-messages", [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { messageId: "msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f" } },
    ]);
    await expect((worker as ExportedHandler<Env, DeliveryJob>).queue!(batch, liveWithoutReports, createExecutionContext())).rejects.toThrow("PUBLIC_BASE_URL");
  });

  it("is fine without Twilio credentials (test mode and the other providers need no PUBLIC_BASE_URL)", () => {
    expect(parseConfig(vars({ PUBLIC_BASE_URL: "", TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined })).twilio.credentials).toBeNull();
  });
});
