// Which provider sends a message (the sandbox for test mode, else the channel's provider),
// and each live provider's webhooks.

import { loadConfig } from "../config.ts";
import type { Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import { logger } from "../log.ts";
import type { Provider, SendResult } from "./provider.ts";
import { resendProvider, resendWebhooks } from "./resend.ts";
import { sandboxProvider } from "./sandbox.ts";
import { twilioProvider, twilioWebhooks } from "./twilio.ts";
import { whatsappProvider, whatsappWebhooks } from "./whatsapp.ts";

/** A live provider whose secrets are missing: retried (an operator can fix it), and logged loudly. */
function unconfigured(name: Provider["name"], missing: string[]): Provider {
  return {
    name,
    async send(): Promise<SendResult> {
      logger.error("provider_not_configured", { provider: name, missing });
      return { ok: false, retryable: true, code: "provider_unavailable", message: `The ${name} provider is not configured on this deployment.` };
    },
  };
}

/** Throws the ConfigError naming the variable when the deployment's configuration is bad. */
export function providerFor(env: Env, mode: Mode, channel: Channel): Provider {
  const config = loadConfig(env);
  if (mode === "test") return sandboxProvider(config.sandbox);
  switch (channel) {
    case "sms": {
      const { apiBase, credentials, missing } = config.twilio;
      if (!credentials) return unconfigured("twilio", missing);
      return twilioProvider({ apiBase, ...credentials, statusCallbackBase: config.publicBaseUrl ?? undefined });
    }
    case "whatsapp": {
      const { apiBase, credentials, missing } = config.whatsapp;
      if (!credentials) return unconfigured("whatsapp", missing);
      return whatsappProvider({ apiBase, ...credentials });
    }
    case "email": {
      const { apiBase, credentials, missing } = config.resend;
      if (!credentials) return unconfigured("resend", missing);
      return resendProvider({ apiBase, ...credentials });
    }
  }
}

/** Each live provider's webhooks, from the deployment's webhook secrets. */
export function providerWebhooks(env: Env) {
  const { twilio, whatsapp, resend } = loadConfig(env);
  return {
    twilio: twilioWebhooks(twilio.credentials?.authToken),
    whatsapp: whatsappWebhooks({ appSecret: whatsapp.appSecret, verifyToken: whatsapp.verifyToken }),
    resend: resendWebhooks(resend.webhookSecret),
  };
}
