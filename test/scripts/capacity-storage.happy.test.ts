// npm run capacity's storage target: the longest hot window (ARCHIVE_HOT_DAYS)
// whose messages fit D1's published 1 TB per account, and the month's storage
// bill with it, worked out here by hand from the published prices.
import { describe, expect, it } from "vitest";
import { largestHotWindow } from "../../bench/capacity-storage.ts";

describe("the longest hot window that fits D1's 1 TB per account", () => {
  it("at 10,000 messages/s of 555 bytes each is one day, a month's storage then about $671", () => {
    // A day: 864 million messages, 479.52 GB; 80% of 1 TB holds 1.67 of them, so 1 whole day.
    const plan = largestHotWindow(10_000 * 86_400, 30, { d1: 555, archived: 829 }, 0.8);
    expect(plan.hotDays).toBe(1);
    expect(plan.hotBytes).toBe(479_520_000_000);
    // D1: 479.52 GB at $0.75 = $359.64; R2: 29 days x 864 million x 829 bytes = 20,771.42 GB at $0.015 = $311.57.
    expect(plan.monthly).toBeCloseTo(359.64 + 311.5714, 2);
  });

  it("is the whole retention when it all fits, and none when not even a day does", () => {
    expect(largestHotWindow(100 * 86_400, 30, { d1: 555, archived: 829 }, 0.8).hotDays).toBe(30);
    expect(largestHotWindow(100_000 * 86_400, 30, { d1: 555, archived: 829 }, 0.8).hotDays).toBe(0);
  });
});
