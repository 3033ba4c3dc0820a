// Email through Resend: POST {base}/emails, JSON, Bearer key, with our message id
// as the Idempotency-Key so a repeated hand-off can never send twice.
import { Webhook } from "standardwebhooks";
import { callProvider, isRetryableStatus, readJson, retryAfterSeconds } from "./http.ts";
import type { AttachedFile, Provider, ProviderWebhooks, Receipt, SendRequest, SendResult } from "./provider.ts";

export interface ResendConfig {
  apiBase: string;
  apiKey: string;
}

/** The tag that carries our message id, so Resend's webhooks name it back. */
const MESSAGE_ID_TAG = "omniflow_message_id";

export function resendProvider(config: ResendConfig): Provider {
  return {
    name: "resend",
    async send(request: SendRequest): Promise<SendResult> {
      const content = request.content;
      if (content.channel !== "email") throw new Error("the Resend adapter sends email only");
      const response = await callProvider(`${config.apiBase}/emails`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${config.apiKey}`,
          "Content-Type": "application/json",
          "Idempotency-Key": request.idempotencyKey ?? request.messageId,
        },
        body: JSON.stringify({
          from: request.from,
          to: [request.to],
          subject: content.subject,
          ...(content.html === undefined ? {} : { html: content.html }),
          ...(content.text === undefined ? {} : { text: content.text }),
          ...(content.headers === undefined ? {} : { headers: content.headers }),
          ...(request.files?.length ? { attachments: request.files.map(resendAttachment) } : {}),
          tags: [{ name: MESSAGE_ID_TAG, value: request.messageId }],
        }),
      });
      if (!(response instanceof Response)) return response;
      const body = await readJson(response);
      if (response.ok && typeof body.id === "string") return { ok: true, providerMessageId: body.id };
      const retryable = isRetryableStatus(response.status);
      return {
        ok: false,
        retryable,
        code: retryable ? "provider_unavailable" : response.status === 422 ? "invalid_email" : "provider_rejected",
        message: `Resend answered ${response.status}: ${String(body.message ?? body.name ?? "no message")}`,
        retryAfterSeconds: retryAfterSeconds(response),
        httpStatus: response.status,
      };
    },
  };
}

/** Resend's attachment: the file inline as base64 `content` (its `path` would make Resend fetch it from us). */
function resendAttachment(file: AttachedFile) {
  return {
    filename: file.filename,
    content: file.content,
    content_type: file.contentType,
    ...(file.contentId === undefined ? {} : { content_id: file.contentId }),
  };
}

const EVENT_STATUS: Record<string, Pick<Receipt, "status" | "errorCode">> = {
  "email.sent": { status: "sent" },
  "email.delivered": { status: "delivered" },
  "email.bounced": { status: "failed", errorCode: "email_bounced" },
  "email.failed": { status: "failed", errorCode: "provider_rejected" },
  "email.delivery_delayed": { status: null },
  // The recipient marked it as spam: no status change, but a suppression (src/delivery/suppression-feed.ts).
  "email.complained": { status: null },
};

interface ResendEvent {
  type?: string;
  data?: { email_id?: string; tags?: Record<string, string> | { name: string; value: string }[]; bounce?: { message?: string } };
}

/**
 * Verifies a Resend (Svix) webhook and reads it as a receipt. Svix signs exactly
 * as Standard Webhooks do (svix-id/-timestamp/-signature), so the standardwebhooks
 * verifier serves for it. Throws when the signature or timestamp is wrong.
 */
function verifyResendWebhook(secret: string, body: string, headers: Headers): Receipt | null {
  const event = new Webhook(secret).verify(body, {
    "webhook-id": headers.get("svix-id") ?? "",
    "webhook-timestamp": headers.get("svix-timestamp") ?? "",
    "webhook-signature": headers.get("svix-signature") ?? "",
  }) as ResendEvent;
  const mapped = EVENT_STATUS[event.type ?? ""];
  if (!mapped) return null;
  const tags = event.data?.tags;
  const messageId = Array.isArray(tags) ? tags.find((tag) => tag.name === MESSAGE_ID_TAG)?.value : tags?.[MESSAGE_ID_TAG];
  return {
    provider: "resend",
    messageId: messageId ?? null,
    providerMessageId: event.data?.email_id ?? "",
    status: mapped.status,
    ...(mapped.errorCode ? { errorCode: mapped.errorCode, errorMessage: event.data?.bounce?.message ?? `Resend reported ${event.type}` } : {}),
    detail: event.type ?? "",
  };
}

/** Resend's webhooks, signed by Svix: each carries one email event, read as a receipt. */
export function resendWebhooks(secret: string | undefined): ProviderWebhooks {
  return {
    displayName: "Resend",
    async read({ headers, body }) {
      try {
        if (!secret) throw new Error("no secret configured");
        const receipt = verifyResendWebhook(secret, body, headers);
        return { ok: true, receipts: receipt ? [receipt] : [], inbound: [] };
      } catch {
        // A body that is not JSON fails the verifier as a wrong signature does: neither can be believed.
        return { ok: false, problem: "invalid_signature" };
      }
    },
  };
}
