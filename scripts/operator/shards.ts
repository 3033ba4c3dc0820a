// npm run shards -- list | move | add | close | open (see USAGE in shard-commands.ts)
import { parseArgs } from "node:util";
import { addShard, recordMove, type ShardsCommand, setShardOpen, shardReport, shardsCommand, USAGE } from "./shard-commands.ts";

function run(command: ShardsCommand): void {
  const target = { remote: command.remote };
  switch (command.command) {
    case "list":
      for (const line of shardReport(target)) console.log(line);
      return;
    case "move": {
      const move = recordMove(target, command.account, command.to, command.from);
      console.log(`Move #${move.id} recorded: '${command.account}' from shard ${move.from} to ${command.to}.`);
      console.log("The Worker's every-minute maintenance carries it out (npm run dev runs it locally); follow it with: npm run shards -- list");
      return;
    }
    case "add": {
      const placement = addShard(target, command.account, command.shard);
      console.log(`'${command.account}' now writes to shards ${placement.write.join(", ")} and reads ${placement.read.join(", ")}.`);
      console.log("Its gate reloads the account within 10 s; new messages spread over these shards from then on.");
      return;
    }
    case "close":
    case "open":
      setShardOpen(target, command.shard, command.command === "open");
      console.log(`Shard ${command.shard} is ${command.command === "open" ? "open: it takes new accounts" : "closed: it takes no new accounts"}.`);
  }
}

try {
  let command: ShardsCommand;
  try {
    const options = {
      account: { type: "string" },
      to: { type: "string" },
      from: { type: "string" },
      shard: { type: "string" },
      remote: { type: "boolean" },
    } as const;
    command = shardsCommand(parseArgs({ args: process.argv.slice(2), allowPositionals: true, options }));
  } catch (error) {
    console.error(`shards: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  run(command);
} catch (error) {
  console.error(`shards: ${(error as Error).message}`);
  process.exitCode = 1;
}
