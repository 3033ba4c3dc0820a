// Money as exact ten-thousandths: parsed from and written as decimal
// strings, never a float; a rate found by account and country in order; a
// message's price the sum of its handed-off steps. Expected values are
// worked by hand from the rules in docs/pricing.md.
import { describe, expect, it } from "vitest";
import { formatAmount, parseAmount, type Rate, rateFor } from "../../src/domain/price.ts";
import { messagePrice } from "../../src/domain/price-message.ts";

describe("amounts", () => {
  it.each([
    ["0.0079", 79],
    ["0", 0],
    ["12", 120_000],
    ["12.5", 125_000],
    ["999999999.9999", 9_999_999_999_999],
  ])("reads %s as %i ten-thousandths", (text, amount) => {
    expect(parseAmount(text)).toBe(amount);
  });

  it.each(["", ".5", "0.00001", "-1", "1e3", "01", "1.", " 1", "1,5", "1000000000"])("refuses %j", (text) => {
    expect(parseAmount(text)).toBeNull();
  });

  it("writes 4 places, and sums without a float's error", () => {
    expect(formatAmount(79 * 2)).toBe("0.0158");
    expect(formatAmount(125_000)).toBe("12.5000");
    // 0.1 + 0.2 in floating point is 0.30000000000000004.
    expect(formatAmount(parseAmount("0.1")! + parseAmount("0.2")!)).toBe("0.3000");
  });
});

describe("rateFor", () => {
  const rate = (accountId: string, country: string, price: number): Rate => ({ accountId, kind: "sms", country, category: "", price, currency: "USD" });
  const card = [rate("", "*", 500), rate("", "US", 79), rate("acct_a", "*", 300), rate("acct_b", "US", 60)];
  const sms = (country: string) => ({ kind: "sms" as const, country, category: "" });

  it("takes the account's own rate before the default card, and a country's before any country's", () => {
    expect(rateFor(card, "acct_b", sms("US"))?.price).toBe(60);
    expect(rateFor(card, "acct_b", sms("GB"))?.price).toBe(500);
    expect(rateFor(card, "acct_a", sms("US"))?.price).toBe(300);
    expect(rateFor(card, "acct_c", sms("US"))?.price).toBe(79);
    expect(rateFor(card, "acct_c", { kind: "email", country: null, category: "" })).toBeNull();
  });
});

describe("messagePrice", () => {
  it("is the current step's estimate until it is handed off, then the sum of the steps handed off", () => {
    const steps = [158, 25];
    expect(messagePrice(steps, "USD", { handedOff: [], step: 0, over: false })).toEqual({ price: 158, priceUnit: "USD", priceStatus: "estimated" });
    expect(messagePrice(steps, "USD", { handedOff: [true], step: 0, over: false })).toEqual({ price: 158, priceUnit: "USD", priceStatus: "final" });
    // The fallback step started: the first is paid, the second estimated.
    expect(messagePrice(steps, "USD", { handedOff: [true], step: 1, over: false })).toEqual({ price: 183, priceUnit: "USD", priceStatus: "estimated" });
    expect(messagePrice(steps, "USD", { handedOff: [true, true], step: 1, over: true })).toEqual({ price: 183, priceUnit: "USD", priceStatus: "final" });
  });

  it("is 0 for a message that ended without a hand-off, and null without a rate", () => {
    expect(messagePrice([158], "USD", { handedOff: [], step: 0, over: true })).toEqual({ price: 0, priceUnit: "USD", priceStatus: "final" });
    expect(messagePrice([null], null, { handedOff: [true], step: 0, over: true })).toEqual({ price: null, priceUnit: null, priceStatus: null });
  });
});
