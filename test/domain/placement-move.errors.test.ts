// A move or add the placement rules refuse (src/domain/placement.ts), each
// with the reason the operator is shown (by npm run shards, and in a failed
// move's record when the Worker refuses it at its start).
import { describe, expect, it } from "vitest";
import { addProblem, moveProblem, type Placement, startedMove } from "../../src/domain/placement.ts";

const single: Placement = { home: 0, write: [0], read: [0] };

describe("a move or add refused", () => {
  const bound = [0, 1, 2];
  it("names why", () => {
    expect(moveProblem(single, 0, 0, bound)).toBe("the account's messages are already on shard 0");
    expect(moveProblem(single, 0, 5, bound)).toBe("shard 5 is not a bound message database (bound: 0, 1, 2)");
    expect(moveProblem(single, 2, 1, bound)).toBe("the account has no messages on shard 2 (it reads 0)");
    expect(moveProblem(startedMove(single, 0, 1), 0, 2, bound)).toBe("a move from shard 0 to 1 is in progress");
    const left = { home: 1, write: [1], read: [1], moved: { "0": 1 } };
    expect(moveProblem(left, 1, 0, bound)).toBe("the account was moved off shard 0; a shard it left is not given back");
    expect(addProblem(left, 0, bound)).toBe("the account was moved off shard 0; a shard it left is not given back");
    expect(addProblem(single, 0, bound)).toBe("the account already writes to shard 0");
    expect(addProblem(single, 7, bound)).toBe("shard 7 is not a bound message database (bound: 0, 1, 2)");
    expect(addProblem(startedMove(single, 0, 1), 2, bound)).toBe("a move from shard 0 to 1 is in progress");
  });
});
