// Status callbacks: Standard Webhooks signing, one delivery attempt, and the
// retry schedule. The message's Durable Object decides when to call these.
import { Webhook } from "standardwebhooks";
import type { Account } from "../domain/account.ts";
import { unixSeconds } from "../domain/ids.ts";

/** Delays before each retry after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Then we give up. */
const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;
const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
/** A Retry-After longer than this is capped to it. */
const MAX_RETRY_AFTER_SECONDS = 36_000;

/** The secrets that sign now: the current one, and the previous one during its overlap after a roll. */
export function signingSecrets(
  account: Pick<Account, "webhookSecret" | "previousWebhookSecret" | "previousWebhookSecretExpiresAt">,
  now = unixSeconds(),
): string[] {
  const previousValid = account.previousWebhookSecret && (account.previousWebhookSecretExpiresAt ?? 0) > now;
  return previousValid ? [account.webhookSecret, account.previousWebhookSecret!] : [account.webhookSecret];
}

/** The Standard Webhooks headers: one `v1,<sig>` per secret, space-separated. */
export function signedHeaders(secrets: string[], eventId: string, body: string, at = new Date()): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "OmniFlow-Webhooks/1.0",
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(eventId, at, body)).join(" "),
  };
}

export type AttemptResult =
  | { outcome: "delivered"; httpStatus: number }
  | { outcome: "gone"; httpStatus: 410 }
  | { outcome: "failed"; httpStatus: number | null; error: string; retryAfterSeconds?: number };

/** One POST to the callback URL: no redirects followed, 10 s timeout, at most 64 KiB of the answer read. */
export async function attemptWebhook(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { outcome: "failed", httpStatus: null, error: timedOut ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : String(error) };
  }
  // The status is the answer; a body that fails to arrive (it outlasts the timeout, the connection drops) changes
  // nothing, and must not turn a known 200 into an unrecorded attempt that is sent again.
  await drain(response).catch(() => {});
  if (response.status >= 200 && response.status < 300) return { outcome: "delivered", httpStatus: response.status };
  if (response.status === 410) return { outcome: "gone", httpStatus: 410 };
  const retryAfter = response.status === 429 || response.status === 503 ? retryAfterSeconds(response.headers.get("retry-after")) : undefined;
  const error = response.status >= 300 && response.status < 400 ? "redirects are not followed" : `HTTP ${response.status}`;
  return { outcome: "failed", httpStatus: response.status, error, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) };
}

/** Reads (and discards) at most MAX_RESPONSE_BYTES of the answer, so a huge or endless body costs nothing. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    while (read < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Retry-After as seconds (delta-seconds or an HTTP date), bounded. */
function retryAfterSeconds(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value) : (Date.parse(value) - now) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(Math.ceil(seconds), MAX_RETRY_AFTER_SECONDS);
}

/** Delay before retry number `retry` (1-based), with +/-10% jitter; null when the schedule is exhausted. */
export function retryDelaySeconds(retry: number, retryAfter?: number, random: () => number = Math.random): number | null {
  const base = RETRY_SCHEDULE_SECONDS[retry - 1];
  if (base === undefined) return null;
  const jittered = Math.max(1, Math.round(base * (0.9 + random() * 0.2)));
  return retryAfter === undefined ? jittered : Math.max(retryAfter, 1);
}
