// WhatsApp through Meta's Cloud API: POST {base}/{phone-number-id}/messages, JSON, Bearer token.
import { timingSafeEqualStrings } from "../domain/crypto.ts";
import type { TemplateHeader } from "../domain/rendered.ts";
import { callProvider, isRetryableStatus, readJson, retryAfterSeconds } from "./http.ts";
import type { InboundReport, Provider, ProviderWebhooks, Receipt, SendRequest, SendResult } from "./provider.ts";

export interface WhatsAppConfig {
  apiBase: string;
  accessToken: string;
  /** Sends from this number when the message's sender has no phone-number id of its own. */
  defaultPhoneNumberId: string;
}

// Graph API error codes: the ones that are Meta's momentary trouble, and the
// ones that say something about the message.
const RETRYABLE_ERRORS = new Set([1, 2, 4, 80007, 130429, 131000, 131048, 131056]);
const PERMANENT_ERRORS: Record<number, string> = {
  131026: "unreachable_destination",
  131030: "recipient_not_allowed",
  131047: "outside_session_window",
  131051: "unsupported_message_type",
  132000: "template_param_mismatch",
  132001: "template_rejected",
  132005: "template_rejected",
  132007: "template_rejected",
  132012: "template_param_mismatch",
  133010: "invalid_number",
};

function whatsappErrorCode(code: unknown): string {
  return PERMANENT_ERRORS[Number(code)] ?? "provider_rejected";
}

function whatsappMessageBody(request: SendRequest): Record<string, unknown> {
  const content = request.content;
  if (content.channel !== "whatsapp") throw new Error("the WhatsApp adapter sends WhatsApp messages only");
  const common = {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: request.to.replace(/^\+/, ""),
    // Meta echoes this back in status webhooks: it names our message.
    biz_opaque_callback_data: request.messageId,
  };
  if (content.type === "text") return { ...common, type: "text", text: { body: content.text, preview_url: false } };
  if (content.type === "media") {
    // Meta's media message by link (the signed URL it fetches the file from); caption and filename where the type has them.
    const link = request.mediaUrls?.[0];
    if (!link) throw new Error("a WhatsApp media message needs its file's URL");
    const media = { link, ...(content.caption ? { caption: content.caption } : {}), ...(content.filename ? { filename: content.filename } : {}) };
    return { ...common, type: content.mediaType, [content.mediaType]: media };
  }
  return {
    ...common,
    type: "template",
    template: {
      name: content.name,
      language: { code: content.language },
      components: [
        ...(content.header ? [templateHeader(content.header, request.mediaUrls?.[0])] : []),
        ...(content.bodyParams.length ? [{ type: "body", parameters: content.bodyParams.map((text) => ({ type: "text", text })) }] : []),
      ],
    },
  };
}

/** A media header's parameter, by link (the signed URL Meta fetches the file from), with a document's filename. */
function templateHeader(header: TemplateHeader, link: string | undefined) {
  if (!link) throw new Error("a WhatsApp template's media header needs its file's URL");
  const media = { link, ...(header.filename ? { filename: header.filename } : {}) };
  return { type: "header", parameters: [{ type: header.format, [header.format]: media }] };
}

export function whatsappProvider(config: WhatsAppConfig): Provider {
  return {
    name: "whatsapp",
    async send(request: SendRequest): Promise<SendResult> {
      const phoneNumberId = request.fromId ?? config.defaultPhoneNumberId;
      const response = await callProvider(`${config.apiBase}/${phoneNumberId}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${config.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify(whatsappMessageBody(request)),
      });
      if (!(response instanceof Response)) return response;
      const body = await readJson(response);
      const sent = (body.messages as { id?: string }[] | undefined)?.[0]?.id;
      if (response.ok && sent) return { ok: true, providerMessageId: sent };
      const error = (body.error ?? {}) as { code?: number; message?: string };
      const retryable = isRetryableStatus(response.status) || RETRYABLE_ERRORS.has(Number(error.code));
      return {
        ok: false,
        retryable,
        code: retryable ? "provider_unavailable" : whatsappErrorCode(error.code),
        message: `WhatsApp answered ${response.status}: ${error.message ?? "no message"} (code ${error.code ?? "none"})`,
        retryAfterSeconds: retryAfterSeconds(response),
        httpStatus: response.status,
      };
    },
  };
}

interface WhatsAppStatus {
  id?: string;
  status?: string;
  biz_opaque_callback_data?: string;
  errors?: { code?: number; title?: string; message?: string }[];
  /** On `sent` and one of `delivered` or `read`: how Meta bills the message (its category may differ from the template's). */
  pricing?: { billable?: unknown; pricing_model?: unknown; type?: unknown; category?: unknown };
}

// Meta's values are short lower/upper-case words (utility, PMP, regular); anything else is left out of the detail.
const PRICING_VALUE = /^[A-Za-z0-9_]{1,40}$/;

/**
 * The receipt's detail: the status as Meta wrote it, and how Meta bills the
 * message when it says (recorded on the message's timeline, not re-priced:
 * the price was fixed at create by the card).
 */
function statusDetail(update: WhatsAppStatus): string {
  const pricing = update.pricing ?? {};
  const fields = [
    ["pricing_category", pricing.category],
    ["pricing_type", pricing.type],
    ["pricing_model", pricing.pricing_model],
    ["billable", pricing.billable],
  ] as const;
  const parts = fields.filter(([, value]) => PRICING_VALUE.test(String(value ?? ""))).map(([name, value]) => `${name}=${String(value)}`);
  return [`status=${update.status ?? ""}`, ...parts].join(" ");
}

const STATUS_MAP: Record<string, Receipt["status"]> = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" };

/** Every status update in a webhook payload (entry[].changes[].value.statuses[]) as receipts. */
function whatsappReceipts(payload: unknown): Receipt[] {
  const entries = (payload as { entry?: { changes?: { value?: { statuses?: WhatsAppStatus[] } }[] }[] })?.entry ?? [];
  return entries.flatMap((entry) =>
    (entry.changes ?? []).flatMap((change) =>
      (change.value?.statuses ?? []).map((update): Receipt => {
        const status = STATUS_MAP[update.status ?? ""] ?? null;
        const error = update.errors?.[0];
        return {
          provider: "whatsapp",
          messageId: update.biz_opaque_callback_data ?? null,
          providerMessageId: update.id ?? "",
          status,
          ...(status === "failed"
            ? { errorCode: whatsappErrorCode(error?.code), errorMessage: error?.message ?? error?.title ?? "WhatsApp reported failed" }
            : {}),
          detail: statusDetail(update),
        };
      }),
    ),
  );
}

interface WhatsAppInbound {
  from?: string;
  id?: string;
  type?: string;
  text?: { body?: string };
}

interface WhatsAppValue {
  metadata?: { display_phone_number?: string; phone_number_id?: string };
  messages?: WhatsAppInbound[];
}

/**
 * Every text message in a webhook payload (entry[].changes[].value.messages[]),
 * with the number that received it. Other types (images, reactions, buttons)
 * carry no text a stop word could be, and are not stored.
 */
function whatsappInbound(payload: unknown): InboundReport[] {
  const entries = (payload as { entry?: { changes?: { value?: WhatsAppValue }[] }[] })?.entry ?? [];
  return entries.flatMap((entry) =>
    (entry.changes ?? []).flatMap(({ value }) =>
      (value?.messages ?? [])
        .filter((message) => message.type === "text" && typeof message.text?.body === "string" && message.from && message.id)
        .map(
          (message): InboundReport => ({
            provider: "whatsapp",
            // Meta writes numbers without the "+".
            to: `+${value?.metadata?.display_phone_number ?? ""}`,
            phoneNumberId: value?.metadata?.phone_number_id,
            from: `+${message.from}`,
            text: message.text!.body!,
            providerMessageId: message.id!,
          }),
        ),
    ),
  );
}

/** X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body, keyed with the app secret. */
async function whatsappSignature(appSecret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return `sha256=${Array.from(signature, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Meta's webhook secrets: the app secret signs every POST, the verify token answers the subscription handshake. */
export interface WhatsAppWebhookSecrets {
  appSecret?: string;
  verifyToken?: string;
}

/** Meta's webhooks: X-Hub-Signature-256 over the raw JSON body, carrying status updates and inbound messages. */
export function whatsappWebhooks({ appSecret, verifyToken }: WhatsAppWebhookSecrets): ProviderWebhooks & { handshake(query: URLSearchParams): string | null } {
  return {
    displayName: "WhatsApp",
    async read({ headers, body }) {
      const signature = headers.get("x-hub-signature-256") ?? "";
      if (!appSecret || !timingSafeEqualStrings(await whatsappSignature(appSecret, body), signature)) return { ok: false, problem: "invalid_signature" };
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return { ok: false, problem: "invalid_json" };
      }
      return { ok: true, receipts: whatsappReceipts(payload), inbound: whatsappInbound(payload) };
    },
    /** The subscription handshake (GET with hub.mode, hub.verify_token, hub.challenge): the challenge to echo, or null when the token is wrong. */
    handshake(query) {
      const given = query.get("hub.verify_token") ?? "";
      if (query.get("hub.mode") !== "subscribe" || !verifyToken || !timingSafeEqualStrings(verifyToken, given)) return null;
      return query.get("hub.challenge") ?? "";
    },
  };
}
