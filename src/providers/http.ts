// What every HTTP provider adapter shares: a bounded call, and the rule for
// which failures are worth retrying.
import type { SendResult } from "./provider.ts";

const PROVIDER_TIMEOUT_MS = 10_000;

/** fetch with a timeout; network errors and timeouts come back as a retryable failure. */
export async function callProvider(url: string, init: RequestInit): Promise<Response | Extract<SendResult, { ok: false }>> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { ok: false, retryable: true, code: timedOut ? "provider_timeout" : "provider_unreachable", message: String(error) };
  }
}

/** 429 and 5xx are the provider's trouble and are retried; other 4xx are about the message. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function retryAfterSeconds(response: Response): number | undefined {
  const value = Number(response.headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}
