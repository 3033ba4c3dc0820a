// How an SMS text travels: its encoding and how many segments (billed parts)
// it takes. GSM 03.38's 7-bit alphabet when every character is in it, else
// UCS-2. A text that does not fit in one segment is split into parts that
// each carry a 6-byte concatenation header (UDH), which leaves 153 septets
// (GSM-7) or 67 UTF-16 code units (UCS-2) per part. A character is never split
// across parts: an extension-table character's escape and its code, and a
// surrogate pair's two halves, travel in the same part, so a part may hold
// one unit fewer than its room.
import { linkedText, placeholderLink } from "./media-link.ts";
import type { RenderedContent } from "./rendered.ts";
import type { Problem } from "./result.ts";
import { wholeNumber } from "./whole-number.ts";

export type SmsEncoding = "gsm7" | "ucs2";

export interface SmsSize {
  encoding: SmsEncoding;
  segments: number;
}

const MAX_SEGMENTS_LIMIT = 10;

// GSM 03.38 basic character set (3GPP TS 23.038 §6.2.1), every position but
// 0x1B (the escape to the extension table).
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
// Its extension table (§6.2.1.1): each is the escape and a code, two septets.
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
const PER_PART = { gsm7: 153, ucs2: 67 } as const;

/** The units (septets or UTF-16 code units) each character of the text takes, in the encoding it needs. */
function characterUnits(text: string): { encoding: SmsEncoding; units: number[] } {
  const characters = Array.from(text);
  const gsm7 = characters.map((character) => (GSM7_BASIC.has(character) ? 1 : GSM7_EXTENSION.has(character) ? 2 : 0));
  if (!gsm7.includes(0)) return { encoding: "gsm7", units: gsm7 };
  // A code point above U+FFFF is a surrogate pair: two code units.
  return { encoding: "ucs2", units: characters.map((character) => character.length) };
}

/** The text's encoding and segment count. */
export function smsSize(text: string): SmsSize {
  const { encoding, units } = characterUnits(text);
  const total = units.reduce((sum, n) => sum + n, 0);
  if (total <= SINGLE[encoding]) return { encoding, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const n of units) {
    if (used + n > PER_PART[encoding]) {
      segments++;
      used = 0;
    }
    used += n;
  }
  return { encoding, segments };
}

/** The create's `max_segments`. */
export const maxSegmentsSchema = wholeNumber(1, MAX_SEGMENTS_LIMIT).meta({
  description: `The most segments the SMS text, as rendered, may take (1 to ${MAX_SEGMENTS_LIMIT}): a longer one is a 400 max_segments_exceeded and nothing is stored or sent. Other channels have no segments.`,
});

/**
 * The size of the content as sent, for SMS; null on the other channels, which
 * are not sent in segments. Files sent as links count as their links
 * (`linkedFiles` of them, the message's files by default): each is as long
 * as the real one the hand-off writes.
 */
export function renderedSize(rendered: RenderedContent, linkedFiles = rendered.channel === "sms" ? (rendered.media?.length ?? 0) : 0): SmsSize | null {
  if (rendered.channel !== "sms") return null;
  const { linkOrigin } = rendered;
  return smsSize(
    linkOrigin
      ? linkedText(
          rendered.text,
          Array.from({ length: linkedFiles }, () => placeholderLink(linkOrigin)),
        )
      : rendered.text,
  );
}

/** Why a text of this size may not be sent under `max`, or null. */
export function segmentLimitProblem(size: SmsSize | null, max: number | undefined): Problem | null {
  if (size === null || max === undefined || size.segments <= max) return null;
  return {
    param: "content",
    code: "max_segments_exceeded",
    message: `The SMS text takes ${size.segments} segments (${size.encoding === "gsm7" ? "GSM-7" : "UCS-2"}), more than max_segments (${max}). Shorten the text or raise max_segments.`,
  };
}
