// The provider behind test-mode keys. It behaves like a real one (a short send
// latency, delivery reports a moment later) and its outcome is chosen by the
// recipient, so integrations can be tested without provider accounts.
import type { Provider, ScheduledReport, SendRequest, SendResult } from "./provider.ts";

const SANDBOX_NUMBERS = {
  invalid: "+15005550001",
  carrierRejected: "+15005550002",
  flaky: "+15005550003",
  notOnWhatsapp: "+15005550004",
  unavailable: "+15005550005",
  noReport: "+15005550008",
} as const;

/** How many times the flaky number answers 503 before it accepts. */
const SANDBOX_FLAKY_FAILURES = 2;

export interface SandboxConfig {
  /** Delay before the delivery report; a read report follows half as long again. */
  reportDelayMs: number;
  sendLatencyMs: number;
}

function outcome(request: SendRequest, delay: number): SendResult {
  const { to, channel } = { to: request.to, channel: request.content.channel };
  if (to === SANDBOX_NUMBERS.invalid) {
    return { ok: false, retryable: false, code: "invalid_number", message: "The sandbox refuses +15005550001 as an invalid number.", httpStatus: 400 };
  }
  if (to === SANDBOX_NUMBERS.notOnWhatsapp && channel === "whatsapp") {
    return {
      ok: false,
      retryable: false,
      code: "recipient_not_on_channel",
      message: "The sandbox says +15005550004 has no WhatsApp account.",
      httpStatus: 400,
    };
  }
  if (to === SANDBOX_NUMBERS.unavailable || (to === SANDBOX_NUMBERS.flaky && request.attempt <= SANDBOX_FLAKY_FAILURES)) {
    return { ok: false, retryable: true, code: "provider_unavailable", message: "The sandbox answered 503 Service Unavailable.", httpStatus: 503 };
  }
  const providerMessageId = `sbx_${crypto.randomUUID().replaceAll("-", "")}`;
  let reports: ScheduledReport[];
  if (to === SANDBOX_NUMBERS.noReport) {
    // Accepted, and never heard of again: what fallback_after is for.
    reports = [];
  } else if (to === SANDBOX_NUMBERS.carrierRejected) {
    reports = [{ afterMs: delay, status: "undelivered", errorCode: "carrier_rejected", errorMessage: "The carrier rejected the message (sandbox)." }];
  } else if (channel === "email" && to.toLowerCase().startsWith("bounce@")) {
    reports = [{ afterMs: delay, status: "failed", errorCode: "email_bounced", errorMessage: "The recipient's mail server bounced the email (sandbox)." }];
  } else {
    reports = [{ afterMs: delay, status: "delivered" }];
    if (channel === "whatsapp") reports.push({ afterMs: Math.round(delay * 1.5), status: "read" });
  }
  return { ok: true, providerMessageId, reports };
}

export function sandboxProvider(config: SandboxConfig): Provider {
  return {
    name: "sandbox",
    async send(request: SendRequest): Promise<SendResult> {
      if (config.sendLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.sendLatencyMs));
      return outcome(request, config.reportDelayMs);
    },
  };
}
