// Which provider sends a message: the sandbox for test mode, else the channel's provider.
import type { Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { Provider, SendResult } from "./provider.ts";
import { resendProvider } from "./resend.ts";
import { sandboxProvider } from "./sandbox.ts";
import { twilioProvider } from "./twilio.ts";
import { whatsappProvider } from "./whatsapp.ts";

/** A live provider whose secrets are missing: retried (an operator can fix it), and logged loudly. */
function unconfigured(name: Provider["name"], missing: string[]): Provider {
  return {
    name,
    async send(): Promise<SendResult> {
      console.error(JSON.stringify({ event: "provider_not_configured", provider: name, missing }));
      return { ok: false, retryable: true, code: "provider_unavailable", message: `The ${name} provider is not configured on this deployment.` };
    },
  };
}

function missing(env: Env, names: (keyof Env)[]): string[] {
  return names.filter((name) => !env[name]);
}

export function providerFor(env: Env, mode: Mode, channel: Channel): Provider {
  if (mode === "test") {
    return sandboxProvider({ reportDelayMs: Number(env.SANDBOX_REPORT_DELAY_MS), sendLatencyMs: Number(env.SANDBOX_SEND_LATENCY_MS) });
  }
  switch (channel) {
    case "sms": {
      const absent = missing(env, ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]);
      if (absent.length) return unconfigured("twilio", absent);
      return twilioProvider({
        apiBase: env.TWILIO_API_BASE,
        accountSid: env.TWILIO_ACCOUNT_SID!,
        authToken: env.TWILIO_AUTH_TOKEN!,
        statusCallbackBase: env.PUBLIC_BASE_URL || undefined,
      });
    }
    case "whatsapp": {
      const absent = missing(env, ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"]);
      if (absent.length) return unconfigured("whatsapp", absent);
      return whatsappProvider({
        apiBase: env.WHATSAPP_API_BASE,
        accessToken: env.WHATSAPP_ACCESS_TOKEN!,
        defaultPhoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID!,
      });
    }
    case "email": {
      const absent = missing(env, ["RESEND_API_KEY"]);
      if (absent.length) return unconfigured("resend", absent);
      return resendProvider({ apiBase: env.RESEND_API_BASE, apiKey: env.RESEND_API_KEY! });
    }
  }
}
