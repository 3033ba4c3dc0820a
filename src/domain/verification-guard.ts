// The fraud guard's arithmetic (issue 25): how many verifications one
// recipient may be sent in rolling windows, as Twilio Verify refuses a sixth
// send in ten minutes. The account's gate keeps the times; this decides.

export interface Window {
  seconds: number;
  max: number;
}

/** Per recipient: at most 5 verifications in any 10 minutes and 10 in any 24 hours. */
const RECIPIENT_WINDOWS: readonly Window[] = [
  { seconds: 600, max: 5 },
  { seconds: 86_400, max: 10 },
];

/** The longest window: older times no longer count and may be dropped. */
export const LONGEST_WINDOW_MS = Math.max(...RECIPIENT_WINDOWS.map((window) => window.seconds)) * 1000;

/**
 * Whether one more may start at `now` (ms) after those at `times` (ms): null
 * when it may, else the seconds until the oldest time that fills a window
 * leaves it (the longest such wait, when several windows are full).
 */
export function windowRetryAfter(times: readonly number[], now: number, windows: readonly Window[] = RECIPIENT_WINDOWS): number | null {
  let wait: number | null = null;
  for (const { seconds, max } of windows) {
    const inside = times.filter((at) => at > now - seconds * 1000).sort((a, b) => a - b);
    if (inside.length < max) continue;
    const leaves = inside[inside.length - max]! + seconds * 1000;
    wait = Math.max(wait ?? 0, Math.max(1, Math.ceil((leaves - now) / 1000)));
  }
  return wait;
}
