// The placement changes of an operator's move and add (src/domain/placement.ts),
// as the phases define them: start (write swaps the source for the
// target, read gains the target), flip (the source's messages, and those moved
// onto it, are at the target; the home follows), add (one more write and read shard).
import { describe, expect, it } from "vitest";
import { addProblem, flippedMove, type Placement, shardsHeldOn, startedMove, withShard } from "../../src/domain/placement.ts";

const single: Placement = { home: 0, write: [0], read: [0] };

describe("a move's placements", () => {
  it("starts by writing to the target instead of the source and reading both", () => {
    expect(startedMove(single, 0, 1)).toEqual({ home: 0, write: [1], read: [0, 1], moving: { from: 0, to: 1 } });
    // An account on two shards merged onto one: the target is written once.
    expect(startedMove({ home: 0, write: [0, 1], read: [0, 1] }, 0, 1)).toEqual({ home: 0, write: [1], read: [0, 1], moving: { from: 0, to: 1 } });
  });

  it("flips: the source's messages are read at the target, the home moves with them, earlier moves onto the source follow", () => {
    expect(flippedMove(startedMove(single, 0, 1), 0, 1)).toEqual({ home: 1, write: [1], read: [1], moved: { "0": 1 } });
    const twice = { home: 1, write: [1], read: [1], moved: { "0": 1 } };
    expect(flippedMove(startedMove(twice, 1, 2), 1, 2)).toEqual({ home: 2, write: [2], read: [2], moved: { "0": 2, "1": 2 } });
    // A source that is not the home leaves the home where it is.
    const spread = { home: 0, write: [0, 1], read: [0, 1] };
    expect(flippedMove(startedMove(spread, 1, 2), 1, 2)).toEqual({ home: 0, write: [0, 2], read: [0, 2], moved: { "1": 2 } });
  });

  it("repeats harmlessly: starting a started move or flipping a flipped one changes nothing", () => {
    const started = startedMove(single, 0, 1);
    expect(startedMove(started, 0, 1)).toBe(started);
    const flipped = flippedMove(started, 0, 1);
    expect(flippedMove(flipped, 0, 1)).toBe(flipped);
  });

  it("carries the shard's own messages and those moved onto it", () => {
    expect(shardsHeldOn(single, 0)).toEqual([0]);
    expect(shardsHeldOn({ home: 1, write: [1], read: [1], moved: { "0": 1, "3": 2 } }, 1)).toEqual([1, 0]);
  });

  it("adds a shard to write and read", () => {
    expect(withShard(single, 1)).toEqual({ home: 0, write: [0, 1], read: [0, 1] });
    expect(addProblem(single, 1, [0, 1])).toBeNull();
  });
});
