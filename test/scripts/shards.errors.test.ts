// `npm run shards` with arguments that ask for nothing it can do: each refused
// with the reason (the script prints it with the usage and exits 2).
import { describe, expect, it } from "vitest";
import { shardsCommand } from "../../scripts/operator/shard-commands.ts";

const command =
  (positionals: string[], values: Record<string, string> = {}) =>
  () =>
    shardsCommand({ values, positionals });

describe("shardsCommand refuses", () => {
  it("a missing or unknown command", () => {
    expect(command([])).toThrow("no command given");
    expect(command(["rebalance"])).toThrow("unknown command 'rebalance'");
  });

  it("a move or add without its account or shard", () => {
    expect(command(["move"], { to: "1" })).toThrow("move needs --account NAME");
    expect(command(["move"], { account: "acme" })).toThrow("--to must be a shard number (0, 1, ...), got nothing");
    expect(command(["add"], { account: "acme" })).toThrow("--shard must be a shard number");
  });

  it("a shard that is not a whole number", () => {
    expect(command(["move"], { account: "acme", to: "-1" })).toThrow("--to must be a shard number");
    expect(command(["move"], { account: "acme", to: "1.5" })).toThrow("got 1.5");
    expect(command(["move"], { account: "acme", to: "1", from: "x" })).toThrow("--from must be a shard number");
    expect(command(["close", "one"])).toThrow("close must be a shard number (0, 1, ...), got one");
    expect(command(["open"])).toThrow("open must be a shard number");
  });

  it("a stray argument", () => {
    expect(command(["close", "1", "2"])).toThrow("unexpected argument '2'");
  });
});
