// The three provider adapters as the adapter tests configure them, against fake endpoints.
import { resendProvider } from "../../src/providers/resend.ts";
import { twilioProvider } from "../../src/providers/twilio.ts";
import { whatsappProvider } from "../../src/providers/whatsapp.ts";

export const twilio = twilioProvider({
  apiBase: "https://twilio.fake",
  accountSid: "AC00000000000000000000000000000001",
  authToken: "token",
  statusCallbackBase: "https://api.omniflow.test",
});
export const whatsapp = whatsappProvider({ apiBase: "https://graph.fake/v23.0", accessToken: "wa-token", defaultPhoneNumberId: "106540352242922" });
export const resend = resendProvider({ apiBase: "https://resend.fake", apiKey: "re_key" });
