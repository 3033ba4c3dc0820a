// `npm run shards`: the commands its arguments ask for (the script then runs
// them against D1 through wrangler).
import { describe, expect, it } from "vitest";
import { shardsCommand } from "../../scripts/operator/shard-commands.ts";

describe("shardsCommand", () => {
  it("reads each command with its options", () => {
    expect(shardsCommand({ values: {}, positionals: ["list"] })).toEqual({ command: "list", remote: false });
    expect(shardsCommand({ values: { account: "acme", to: "1", remote: true }, positionals: ["move"] })).toEqual({
      command: "move",
      account: "acme",
      to: 1,
      remote: true,
    });
    expect(shardsCommand({ values: { account: "acme", to: "2", from: "1" }, positionals: ["move"] })).toEqual({
      command: "move",
      account: "acme",
      to: 2,
      from: 1,
      remote: false,
    });
    expect(shardsCommand({ values: { account: "acme", shard: "1" }, positionals: ["add"] })).toEqual({
      command: "add",
      account: "acme",
      shard: 1,
      remote: false,
    });
    expect(shardsCommand({ values: {}, positionals: ["close", "3"] })).toEqual({ command: "close", shard: 3, remote: false });
    expect(shardsCommand({ values: { remote: true }, positionals: ["open", "3"] })).toEqual({ command: "open", shard: 3, remote: true });
  });
});
