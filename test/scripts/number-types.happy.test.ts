// `npm run keys -- number-types`: what the operator's --allow and --block make
// of an account's allowed number types (the script writes the result to D1).
import { describe, expect, it } from "vitest";
import { changedNumberTypes } from "../../scripts/operator/number-types.ts";

describe("changedNumberTypes", () => {
  it("adds allowed types and removes blocked ones, in a stable order", () => {
    expect(changedNumberTypes([], "international_network,premium_rate")).toEqual(["premium_rate", "international_network"]);
    expect(changedNumberTypes(["premium_rate", "shared_cost"], undefined, "premium_rate")).toEqual(["shared_cost"]);
    expect(changedNumberTypes(["shared_cost"], "premium_rate", "shared_cost")).toEqual(["premium_rate"]);
  });

  it("refuses a type it does not know, naming the known ones", () => {
    expect(() => changedNumberTypes([], "toll_free")).toThrow(/premium_rate, shared_cost, international_network/);
    expect(() => changedNumberTypes([], undefined, "PREMIUM_RATE")).toThrow(/--block/);
  });
});
