// SMS encoding and segment counts, checked against two independent
// implementations: Twilio's own segment calculator (sms-segments-calculator,
// the code behind its Messaging Segment Calculator) and split-sms. The table's
// literal counts are worked out from GSM 03.38 / 3GPP TS 23.038 (160 septets
// alone, 153 per part after the 6-byte concatenation header; UCS-2: 70 and 67
// code units), and each row is also asked of both oracles.
import { SegmentedMessage } from "sms-segments-calculator";
import split from "split-sms";
import { describe, expect, it } from "vitest";
import { smsSize } from "../../src/domain/segments.ts";

/** What both oracles say of the text, in this API's words. */
function oracles(text: string) {
  const twilio = new SegmentedMessage(text, "auto");
  const splitter = split.split(text);
  return {
    twilio: { encoding: twilio.encodingName === "GSM-7" ? "gsm7" : "ucs2", segments: twilio.segmentsCount },
    splitSms: { encoding: splitter.characterSet === "GSM" ? "gsm7" : "ucs2", segments: splitter.parts.length },
  };
}

const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

// Cyrillic Zhe (U+0416) is one UTF-16 code unit outside GSM-7; 😀 (U+1F600) is a surrogate pair.
const table: [string, string, { encoding: "gsm7" | "ucs2"; segments: number }][] = [
  ["160 GSM-7 characters: one segment", "a".repeat(160), { encoding: "gsm7", segments: 1 }],
  ["161 GSM-7 characters: two parts of 153 + 8", "a".repeat(161), { encoding: "gsm7", segments: 2 }],
  ["306 GSM-7 characters: exactly two full parts", "a".repeat(306), { encoding: "gsm7", segments: 2 }],
  ["307 GSM-7 characters: a third part", "a".repeat(307), { encoding: "gsm7", segments: 3 }],
  ["80 extension characters (160 septets): one segment", "{".repeat(80), { encoding: "gsm7", segments: 1 }],
  ["81 extension characters (162 septets): two parts (76 + 5 characters)", "{".repeat(81), { encoding: "gsm7", segments: 2 }],
  // 306 septets in all either way; only where the € falls differs.
  ["€ as septets 152-153: fits the first part, 306 septets in two", `${"a".repeat(151)}€${"b".repeat(153)}`, { encoding: "gsm7", segments: 2 }],
  [
    "€ as septets 153-154: its escape is not split from it, so it opens the second part and a third is needed",
    `${"a".repeat(152)}€${"b".repeat(152)}`,
    { encoding: "gsm7", segments: 3 },
  ],
  ["70 UCS-2 characters: one segment", "Ж".repeat(70), { encoding: "ucs2", segments: 1 }],
  ["71 UCS-2 characters: two parts of 67 + 4", "Ж".repeat(71), { encoding: "ucs2", segments: 2 }],
  [
    "one emoji among GSM-7 letters makes the text UCS-2: 69 letters and a pair are 71 units, two parts",
    `${"a".repeat(69)}😀`,
    { encoding: "ucs2", segments: 2 },
  ],
  ["68 letters and an emoji: 70 code units, one segment", `${"a".repeat(68)}😀`, { encoding: "ucs2", segments: 1 }],
  ["emoji as units 66-67: fits the first part, 134 units in two", `${"Ж".repeat(65)}😀${"Ж".repeat(67)}`, { encoding: "ucs2", segments: 2 }],
  [
    "emoji as units 67-68: the pair is not split, so it opens the second part and a third is needed",
    `${"Ж".repeat(66)}😀${"Ж".repeat(66)}`,
    { encoding: "ucs2", segments: 3 },
  ],
  ["the whole GSM basic set is GSM-7", GSM_BASIC, { encoding: "gsm7", segments: 1 }],
  ["the extension table is GSM-7", GSM_EXTENSION, { encoding: "gsm7", segments: 1 }],
  ["lower-case ç is not in GSM 03.38 (only Ç is)", "ça va", { encoding: "ucs2", segments: 1 }],
  ["a non-breaking space is not in GSM 03.38", "a\u00a0b", { encoding: "ucs2", segments: 1 }],
  ["SMS's longest text, 1,600 GSM-7 characters", "a".repeat(1600), { encoding: "gsm7", segments: 11 }],
];

describe("smsSize", () => {
  it.each(table)("%s", (_case, text, expected) => {
    expect(smsSize(text)).toEqual(expected);
    const { twilio, splitSms } = oracles(text);
    expect(twilio).toEqual(expected);
    expect(splitSms).toEqual(expected);
  });

  it("agrees with both oracles on 300 random texts that mix GSM-7, extension, UCS-2 and astral characters", () => {
    // A fixed seed (mulberry32), so a failure reproduces.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    // Twilio's calculator keeps a grapheme cluster in one part, and CR LF is
    // one: without CR, every character here is its own cluster, where that and
    // splitting by character (GSM 03.38, and this API) agree.
    const gsmOnly = Array.from(`${GSM_BASIC}${GSM_EXTENSION}`.replace("\r", ""));
    const mixed = [...gsmOnly, "Ж", "中", "😀", "𝄞"];
    for (let i = 0; i < 300; i++) {
      const alphabet = i % 2 === 0 ? gsmOnly : mixed;
      const length = 1 + Math.floor(random() * 420);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const { twilio, splitSms } = oracles(text);
      expect(smsSize(text), JSON.stringify(text)).toEqual(twilio);
      expect(splitSms).toEqual(twilio);
    }
  });
});
