// Which part of an archived day claims an id: the last part starting at or
// below it (the day's first part from the day's first id), its claim ending
// where the next part starts; the day's last part claims to the day's end.

import { describe, expect, it } from "vitest";
import { type ArchivePart, claimant, dayIdRange } from "../../src/domain/archive.ts";

const DAY = "2026-11-20";
const { from: dayFrom } = dayIdRange(DAY);
/** An id of the day at `minute` past midnight (the rest of the id sorts after every prefix). */
const at = (minute: number) => `msg_${(Date.parse(`${DAY}T00:00:00Z`) + minute * 60_000).toString(16).padStart(12, "0")}aaaaaaaaaaaaaaaaaaaa0000`;
const part = (number: number, fromId: string, firstId: string, lastId: string): ArchivePart => ({
  accountId: "acct_1",
  shard: 0,
  day: DAY,
  part: number,
  fromId,
  firstId,
  lastId,
  count: 2,
});

describe("the part claiming an id", () => {
  const parts = [part(0, dayFrom, at(1), at(2)), part(1, at(10), at(10), at(11)), part(2, at(20), at(20), at(21))];

  it("is the last part starting at or below it, up to where the next one starts", () => {
    expect(claimant(parts, at(1))).toEqual({ into: parts[0], upTo: at(10) });
    // Between two parts' rows (a row that turned final after both were written): the earlier part's claim.
    expect(claimant(parts, at(5))).toEqual({ into: parts[0], upTo: at(10) });
    expect(claimant(parts, at(10))).toEqual({ into: parts[1], upTo: at(20) });
    expect(claimant(parts, at(15))).toEqual({ into: parts[1], upTo: at(20) });
  });

  it("is the day's last part, claiming to the day's end, past its last row", () => {
    expect(claimant(parts, at(21))).toEqual({ into: parts[2], upTo: null });
    expect(claimant(parts, at(23 * 60 + 59))).toEqual({ into: parts[2], upTo: null });
  });

  it("is the first part for the day's earliest ids, its claim starting at the day's first id", () => {
    expect(claimant(parts, at(0))).toEqual({ into: parts[0], upTo: at(10) });
    expect(dayFrom < at(0)).toBe(true);
  });
});
