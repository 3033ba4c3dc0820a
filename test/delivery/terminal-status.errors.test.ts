// Every final status against every later report, as the README states the
// rules: the first final outcome (delivered, undelivered, failed) wins; only
// `read` may follow `delivered` (WhatsApp reports it); nothing moves a `read`,
// `undelivered` or `failed` message. Expected values are written out here
// from those rules, not derived from src/domain/status.ts.
import { describe, expect, it } from "vitest";
import type { Status } from "../../src/domain/status.ts";
import { projectedMessage, storedMessage } from "../support/db.ts";
import { useFakeProviders } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";

useFakeProviders();

const LATER_REPORTS: Status[] = ["sent", "delivered", "read", "undelivered", "failed"];

// [status reached, later report, applied?]
const TABLE: [Status, Status, boolean][] = [
  ["delivered", "sent", false],
  ["delivered", "delivered", false],
  ["delivered", "read", true],
  ["delivered", "undelivered", false],
  ["delivered", "failed", false],
  ["read", "sent", false],
  ["read", "delivered", false],
  ["read", "read", false],
  ["read", "undelivered", false],
  ["read", "failed", false],
  ["undelivered", "sent", false],
  ["undelivered", "delivered", false],
  ["undelivered", "read", false],
  ["undelivered", "undelivered", false],
  ["undelivered", "failed", false],
  ["failed", "sent", false],
  ["failed", "delivered", false],
  ["failed", "read", false],
  ["failed", "undelivered", false],
  ["failed", "failed", false],
];

describe("a message in a final status, and each later report", () => {
  it("covers every final status against every later report", () => {
    for (const final of ["delivered", "read", "undelivered", "failed"]) {
      expect(TABLE.filter(([reached]) => reached === final).map(([, later]) => later)).toEqual(LATER_REPORTS);
    }
  });

  it.each(TABLE)("%s, then a %s report: applied %s", async (reached, later, applied) => {
    const { id, report } = await handedOff("sms");
    const failure = (status: Status) => (status === "failed" || status === "undelivered" ? { errorCode: `${status}_first`, errorMessage: "first" } : {});
    expect(await report(reached, failure(reached))).toBe("applied");
    await projectedMessage(id).toMatchObject({ status: reached });
    const before = await storedMessage(id);

    expect(await report(later, failure(later))).toBe(applied ? "applied" : "ignored");
    if (applied) {
      await projectedMessage(id).toMatchObject({ status: later, deliveredAt: before.deliveredAt });
    } else {
      // An ignored report projects nothing: the row is as it was.
      expect(await storedMessage(id)).toEqual(before);
    }
  });
});
