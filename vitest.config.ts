import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { PROVIDER_SECRETS } from "./test/fixtures/signed-reports.ts";

/**
 * Answers every outbound request no test fake took: 404 with a body that says
 * so. A status callback sees a receiver that does not know the path (and
 * retries later, after the suite); a provider call sees a permanent error.
 */
function refuseOutbound(request: Request): Response {
  const { origin, pathname } = new URL(request.url);
  return new Response(`No fake answers ${request.method} ${origin}${pathname} in the tests (see test/support/fake-http.ts).\n`, {
    status: 404,
    headers: { "Content-Type": "text/plain" },
  });
}

export default defineConfig(async () => {
  const migrations = (kind: string) => readD1Migrations(path.join(import.meta.dirname, "migrations", kind));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // The rest of the internet, for every fetch the Worker, its Durable
          // Objects and the tests make that no fake in test/support/fake-http.ts
          // answered: a clear refusal from this machine, never a DNS lookup.
          outboundService: refuseOutbound,
          bindings: {
            // Test-only bindings: the setup file applies these to the control
            // database and to each message database (two shards, as wrangler.toml declares).
            TEST_CONTROL_MIGRATIONS: await migrations("control"),
            TEST_MESSAGE_MIGRATIONS: await migrations("messages"),
            // A quick sandbox, and provider endpoints and secrets that only
            // the tests' fetch mocks answer (see test/support/fake-http.ts).
            SANDBOX_SEND_LATENCY_MS: "0",
            SANDBOX_REPORT_DELAY_MS: "100",
            PUBLIC_BASE_URL: "https://api.omniflow.test",
            TWILIO_API_BASE: "https://twilio.fake",
            TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
            TWILIO_AUTH_TOKEN: PROVIDER_SECRETS.twilioAuthToken,
            WHATSAPP_API_BASE: "https://graph.fake/v23.0",
            WHATSAPP_ACCESS_TOKEN: "whatsapp-test-token",
            WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
            WHATSAPP_APP_SECRET: PROVIDER_SECRETS.whatsappAppSecret,
            WHATSAPP_VERIFY_TOKEN: "whatsapp-verify-token",
            RESEND_API_BASE: "https://resend.fake",
            RESEND_API_KEY: "re_test_key",
            RESEND_WEBHOOK_SECRET: PROVIDER_SECRETS.resendWebhookSecret,
            VERIFICATION_CODE_SECRET: "verification-code-secret-of-the-tests-0123456789",
            // Sender verification: a DNS resolver only fakeDns answers, and the platform's code sender.
            DNS_OVER_HTTPS_URL: "https://doh.fake/dns-query",
            SENDER_VERIFICATION_FROM: "+15005550006",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup/apply-migrations.ts"],
      // Runs in Node: provider signatures made by the providers' own code (test/fixtures/signed-reports.ts).
      globalSetup: ["./test/setup/provider-signatures.ts"],
      include: ["test/**/*.test.ts"],
      // Node, a real browser and wrangler dev: vitest.browser.config.ts.
      exclude: ["test/browser/**"],
      testTimeout: 20_000,
      // One workerd per test file costs about a second each to spawn and load
      // (the suite took ~60 s on two cores instead of ~13 s). Files can share a
      // worker: every test makes its own account, so no test sees another's
      // rows, and files that mock bindings restore them after each test.
      isolate: false,
      // Two workers on this 2-core machine: a test spends most of its time waiting (alarms, the Queue, D1), so
      // the default of one (cores - 1) left a core idle; the run took 240 s with one and 150 s with two.
      // Both share the local D1 and Durable Objects, which every test already does with the files before it.
      maxWorkers: 2,
    },
  };
});
