// Secrets are set with `wrangler secret put NAME` (see docs/operations.md, "Providers"),
// so `wrangler types` cannot see them; they are declared here. Each is
// optional: test mode needs none of them.
interface OmniFlowSecrets {
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  WHATSAPP_ACCESS_TOKEN?: string;
  WHATSAPP_PHONE_NUMBER_ID?: string;
  WHATSAPP_APP_SECRET?: string;
  WHATSAPP_VERIFY_TOKEN?: string;
  RESEND_API_KEY?: string;
  RESEND_WEBHOOK_SECRET?: string;
  VERIFICATION_CODE_SECRET?: string;
}

declare namespace Cloudflare {
  interface Env extends OmniFlowSecrets {}
}
interface Env extends OmniFlowSecrets {}
