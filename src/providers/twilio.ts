// SMS through Twilio Programmable Messaging:
// POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic (SID:token).
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import { callProvider, isRetryableStatus, readJson, retryAfterSeconds } from "./http.ts";
import type { InboundReport, Provider, ProviderWebhooks, Receipt, SendRequest, SendResult } from "./provider.ts";

export interface TwilioConfig {
  apiBase: string;
  accountSid: string;
  authToken: string;
  /** Where Twilio posts delivery reports; omitted when the deployment has no public URL. */
  statusCallbackBase?: string;
}

// Twilio error codes that say something about the recipient, in our words.
const PERMANENT_ERRORS: Record<number, string> = {
  21211: "invalid_number",
  21614: "invalid_number",
  // The recipient replied STOP to this sender: the message object suppresses them too.
  21610: "recipient_suppressed",
  21408: "region_not_enabled",
  21612: "unreachable_destination",
  30003: "unreachable_destination",
  30005: "invalid_number",
  30006: "carrier_rejected",
  30007: "carrier_rejected",
};

function twilioErrorCode(code: unknown): string {
  return PERMANENT_ERRORS[Number(code)] ?? "provider_rejected";
}

function twilioStatusCallback(base: string, messageId: string): string {
  return `${base.replace(/\/$/, "")}/v1/providers/twilio/status?message_id=${messageId}`;
}

export function twilioProvider(config: TwilioConfig): Provider {
  return {
    name: "twilio",
    async send(request: SendRequest): Promise<SendResult> {
      if (request.content.channel !== "sms") throw new Error("the Twilio adapter sends SMS only");
      const form = new URLSearchParams({ To: request.to, From: request.from, Body: request.content.text });
      // An MMS: each image by URL, which Twilio fetches (up to 10).
      for (const url of request.mediaUrls ?? []) form.append("MediaUrl", url);
      if (config.statusCallbackBase) form.set("StatusCallback", twilioStatusCallback(config.statusCallbackBase, request.messageId));
      // Twilio drops the message if it cannot send it within this (so an expired code is never sent late).
      if (request.validitySeconds !== undefined) form.set("ValidityPeriod", String(request.validitySeconds));
      const response = await callProvider(`${config.apiBase}/2010-04-01/Accounts/${config.accountSid}/Messages.json`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: form.toString(),
      });
      if (!(response instanceof Response)) return response;
      const body = await readJson(response);
      if (response.ok && typeof body.sid === "string") return { ok: true, providerMessageId: body.sid };
      return {
        ok: false,
        retryable: isRetryableStatus(response.status),
        code: isRetryableStatus(response.status) ? "provider_unavailable" : twilioErrorCode(body.code),
        message: `Twilio answered ${response.status}: ${String(body.message ?? "no message")}`,
        retryAfterSeconds: retryAfterSeconds(response),
        httpStatus: response.status,
      };
    },
  };
}

const STATUS_MAP: Record<string, Receipt["status"]> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "undelivered",
  failed: "failed",
};

/** A Twilio status callback (form fields) as a receipt. */
function twilioReceipt(params: Record<string, string>, messageId: string | null): Receipt {
  const status = STATUS_MAP[params.MessageStatus ?? ""] ?? null;
  const failed = status === "undelivered" || status === "failed";
  return {
    provider: "twilio",
    messageId,
    providerMessageId: params.MessageSid ?? "",
    status,
    ...(failed
      ? { errorCode: twilioErrorCode(params.ErrorCode), errorMessage: `Twilio reported ${params.MessageStatus} (error ${params.ErrorCode ?? "none"})` }
      : {}),
    detail: `MessageStatus=${params.MessageStatus ?? ""}`,
  };
}

/** X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the URL followed by each POST param name and value, sorted by name. */
async function twilioSignature(authToken: string, url: string, params: Record<string, string>): Promise<string> {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((name) => name + params[name])
      .join("");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data));
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}

/** Twilio's incoming-message webhook (form fields From, To, Body, MessageSid); null when it is not a message we can read. */
function twilioInbound(params: Record<string, string>): InboundReport | null {
  const { From: from, To: to, Body: text, MessageSid: sid } = params;
  if (!from || !to || text === undefined || !sid) return null;
  return { provider: "twilio", to, from, text, providerMessageId: sid };
}

/**
 * Twilio's webhooks (status callbacks and incoming messages), signed with
 * X-Twilio-Signature over the URL and the sorted form params. A status
 * callback's URL names our message (?message_id=, set at hand-off).
 */
export function twilioWebhooks(authToken: string | undefined): ProviderWebhooks {
  return {
    displayName: "Twilio",
    async read({ url, headers, body }) {
      const params = Object.fromEntries(new URLSearchParams(body));
      const signature = headers.get("x-twilio-signature") ?? "";
      if (!authToken || !timingSafeEqualStrings(await twilioSignature(authToken, url, params), signature)) return { ok: false, problem: "invalid_signature" };
      const inbound = twilioInbound(params);
      return { ok: true, receipts: [twilioReceipt(params, new URL(url).searchParams.get("message_id"))], inbound: inbound ? [inbound] : [] };
    },
  };
}
