// The fraud guard's arithmetic (issue 25): how many verifications one
// recipient may be sent in rolling windows, as Twilio Verify refuses a sixth
// send in ten minutes, and how many one range of numbers may be sent in an
// hour, which stops the sudden bursts of SMS pumping (many numbers of one
// range, each a few times). The account's gate keeps the times; this decides.

export interface Window {
  seconds: number;
  max: number;
}

/** Per recipient: at most 5 verifications in any 10 minutes and 10 in any 24 hours. */
const RECIPIENT_WINDOWS: readonly Window[] = [
  { seconds: 600, max: 5 },
  { seconds: 86_400, max: 10 },
];

/** Per destination prefix, per hour: the account's setting (verification_limits[per_prefix_per_hour]) or the default. */
export const PREFIX_LIMIT = { min: 1, max: 10_000, default: 30 } as const;
const PREFIX_WINDOW_SECONDS = 3600;

/** Digits a prefix leaves off a number: a range of 10,000 numbers (+1415555 for +14155550123). */
const PREFIX_HIDDEN_DIGITS = 4;

/** The longest window: older times no longer count and may be dropped. */
export const LONGEST_WINDOW_MS = Math.max(PREFIX_WINDOW_SECONDS, ...RECIPIENT_WINDOWS.map((window) => window.seconds)) * 1000;

/** The range a phone number (E.164) is in, as the guard counts it; null for an email address, which is not pumped. */
export function destinationPrefix(recipient: string): string | null {
  return recipient.startsWith("+") ? recipient.slice(0, -PREFIX_HIDDEN_DIGITS) : null;
}

/**
 * Whether one more may start at `now` (ms) after those at `times` (ms): null
 * when it may, else the seconds until the oldest time that fills a window
 * leaves it (the longest such wait, when several windows are full).
 */
export function windowRetryAfter(times: readonly number[], now: number, windows: readonly Window[]): number | null {
  let wait: number | null = null;
  for (const { seconds, max } of windows) {
    const inside = times.filter((at) => at > now - seconds * 1000).sort((a, b) => a - b);
    if (inside.length < max) continue;
    const leaves = inside[inside.length - max]! + seconds * 1000;
    wait = Math.max(wait ?? 0, Math.max(1, Math.ceil((leaves - now) / 1000)));
  }
  return wait;
}

/** The recipient's windows. */
export function recipientWindows(): readonly Window[] {
  return RECIPIENT_WINDOWS;
}

/** The prefix's window, with the account's limit. */
export function prefixWindows(perHour: number | null): readonly Window[] {
  return [{ seconds: PREFIX_WINDOW_SECONDS, max: perHour ?? PREFIX_LIMIT.default }];
}
