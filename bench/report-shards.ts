// Figure 7 of the bench's table: D1 per database for an account over two
// message databases: what each shard writes per message stored on it (its
// statements, and its calls, a D1 batch being one), and what the control
// database does per message.
import type { DatabaseCost, OperationCost } from "./life-cost.ts";

const num = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function databaseLabel(binding: string): string {
  const shard = /^MESSAGES_DB_(\d+)$/.exec(binding)?.[1];
  return shard === undefined ? `control (\`${binding}\`)` : `shard ${shard} (\`${binding}\`)`;
}

function rows(what: string, cost: OperationCost): string[] {
  return Object.entries(cost.d1ByDatabase).map(
    ([binding, c]: [string, DatabaseCost]) =>
      `| ${what} | ${databaseLabel(binding)} | ${c.messages} | ${num(c.writeStatements)} | ${num(c.calls)} (${num(c.writeCalls)}) | ${num(c.readStatements)} |`,
  );
}

function queues(cost: OperationCost): string {
  const sent = Object.entries(cost.queueMessages).map(([binding, perMessage]) => `${binding} ${num(perMessage)}`);
  return sent.length > 0 ? sent.join(", ") : "none";
}

/** A shard's write statements and write calls per message beyond the create's insert: its status projections. */
function projectionShare(life: OperationCost): { statements: number; calls: number } {
  const shards = Object.entries(life.d1ByDatabase).filter(([binding]) => binding.startsWith("MESSAGES_DB_"));
  const stored = shards.reduce((total, [, c]) => total + c.messages, 0);
  const weighted = (pick: (c: DatabaseCost) => number) => shards.reduce((total, [, c]) => total + pick(c) * c.messages, 0) / stored;
  return { statements: weighted((c) => c.writeStatements) - 1, calls: weighted((c) => c.writeCalls) - 1 };
}

export function perShardRows({ accept, life }: { accept: OperationCost; life?: OperationCost & { perSecond?: number } }): string[] {
  const lifeLabel = life ? `whole life (SMS to delivered, ${life.perSecond ?? "?"}/s, projections batched)` : "";
  const lines = [
    "7. D1 per database, an account over two shards (its creates spread at random): per message stored on a shard, and per message for the control database:",
    "",
    "| what | database | messages | D1 write statements per message per shard | D1 calls (batches) per message per shard (of which write) | D1 read statements per message |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows("create alone (no consumer)", accept),
    ...(life ? rows(lifeLabel, life) : []),
    "",
    `Queue messages per message: create alone ${queues(accept)}${life ? `; whole life ${queues(life)}` : ""}.`,
  ];
  if (life) {
    const share = projectionShare(life);
    lines.push(
      "",
      `Status projections: ${num(share.statements)} write statements in ${num(share.calls)} D1 write calls per message per shard beyond the insert ` +
        `(${num(share.statements / share.calls)} projections per batch at ${life.perSecond}/s; batches fill up to 100 as the rate grows).`,
    );
  } else {
    lines.push("", "The whole life's row needs deliveries: not measured in a `--no-delivery` run.");
  }
  return lines;
}
