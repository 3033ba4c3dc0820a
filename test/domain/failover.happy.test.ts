// The failover, validity and cancel rules (src/domain/failover.ts) on a table
// taken from the delivery controls' stated rules (docs/api-guide.md): "delivered when any step is; failed or undelivered only
// when the last step ends so; a late report of an earlier step never moves the
// message backwards"; only a scheduled message can be canceled; Twilio's
// ValidityPeriod is 1..36000 seconds (its Messages resource).
import { describe, expect, it } from "vitest";
import { cancelDecision, isExpired, remainingValiditySeconds, stepOutcome, webhookType } from "../../src/domain/failover.ts";
import type { Status } from "../../src/domain/status.ts";

describe("stepOutcome(overall, current step, last step, step, status)", () => {
  it.each<[string, [Status, number, number, number, Status], { overall: Status | null; failover: boolean }]>([
    ["the only step is sent", ["queued", 0, 0, 0, "sent"], { overall: "sent", failover: false }],
    ["the only step fails", ["queued", 0, 0, 0, "failed"], { overall: "failed", failover: false }],
    ["the first of two fails at hand-off: the next starts, the message waits", ["queued", 0, 1, 0, "failed"], { overall: null, failover: true }],
    ["the first of two is undelivered after sent", ["sent", 0, 1, 0, "undelivered"], { overall: null, failover: true }],
    ["the second (last) step is undelivered", ["sent", 1, 1, 1, "undelivered"], { overall: "undelivered", failover: false }],
    ["the second step is sent after the first was", ["sent", 1, 1, 1, "sent"], { overall: null, failover: false }],
    ["the second step is delivered", ["sent", 1, 2, 1, "delivered"], { overall: "delivered", failover: false }],
    ["a late delivered of the first step after the second started", ["sent", 1, 1, 0, "delivered"], { overall: "delivered", failover: false }],
    ["a late failure of the first step after the second started", ["sent", 1, 1, 0, "undelivered"], { overall: null, failover: false }],
    ["the second step delivered after the first already was", ["delivered", 1, 1, 1, "delivered"], { overall: null, failover: false }],
    ["a read after delivered", ["delivered", 1, 1, 1, "read"], { overall: "read", failover: false }],
  ])("%s", (_, [overall, current, last, step, status], expected) => {
    expect(stepOutcome(overall, current, last, step, status)).toEqual(expected);
  });
});

describe("the other rules", () => {
  it("types a callback by the message's status when it changed, else by the attempt's", () => {
    expect(webhookType("delivered", "delivered")).toBe("message.delivered");
    expect(webhookType(null, "failed")).toBe("message.attempt.failed");
  });

  it("cancels only a scheduled message, and answers a canceled one again", () => {
    expect(cancelDecision("scheduled")).toBe("cancel");
    expect(cancelDecision("canceled")).toBe("already_canceled");
    for (const status of ["queued", "sent", "delivered", "failed", "expired"] as const) expect(cancelDecision(status)).toBe("not_cancelable");
  });

  it("ends the validity at expires_at, to the millisecond", () => {
    expect(isExpired(null, Date.now())).toBe(false);
    expect(isExpired(1_000, 999_999)).toBe(false);
    expect(isExpired(1_000, 1_000_000)).toBe(true);
  });

  it("gives Twilio the seconds left, within its 1..36000", () => {
    expect(remainingValiditySeconds(null, 0)).toBeUndefined();
    expect(remainingValiditySeconds(1_600, 1_000_000)).toBe(600);
    expect(remainingValiditySeconds(1_000 + 259_200, 1_000_000)).toBe(36_000);
    expect(remainingValiditySeconds(1_000, 1_000_500)).toBe(1);
  });
});
