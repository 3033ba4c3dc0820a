// Exponential backoff with jitter for provider hand-offs: 2 s, 4 s, 8 s ... capped
// at 10 min, each drawn from [50%, 100%] of its step so that a burst of failures
// does not come back as a burst. A provider's Retry-After is honoured as a floor.
const BASE_SECONDS = 2;
const CAP_SECONDS = 600;

export function backoffSeconds(attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const step = Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.ceil(step * (0.5 + random() / 2));
  return Math.min(CAP_SECONDS, Math.max(jittered, Math.ceil(retryAfterSeconds ?? 0)));
}
