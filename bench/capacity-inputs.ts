// What npm run capacity reads of a bench run, per SMS over its life: per
// message database and for the control database, measured (figure 7) or
// modelled from the one-database life (figure 6).
import type { Used } from "./capacity-results.ts";
import type { DatabaseCost, OperationCost } from "./life-cost.ts";

/** What the projection consumer's batch holds at most: the model's batching when the bench has not measured it, and the bound it tends to at high rates. */
export const MODELLED_PROJECTION_BATCH = 100;

/** The message databases' figures, weighted by the messages each holds. */
export function shardAverage(cost: OperationCost): DatabaseCost {
  const shards = Object.entries(cost.d1ByDatabase).filter(([binding]) => binding.startsWith("MESSAGES_DB_"));
  const messages = shards.reduce((total, [, c]) => total + c.messages, 0);
  const weighted = (pick: (c: DatabaseCost) => number) => shards.reduce((total, [, c]) => total + pick(c) * c.messages, 0) / messages;
  return {
    messages,
    readStatements: weighted((c) => c.readStatements),
    writeStatements: weighted((c) => c.writeStatements),
    calls: weighted((c) => c.calls),
    writeCalls: weighted((c) => c.writeCalls),
  };
}

export const NO_DATABASE: DatabaseCost = { messages: 0, readStatements: 0, writeStatements: 0, calls: 0, writeCalls: 0 };

/**
 * Per SMS over its life, per message database and for the control database:
 * measured by the bench's figure 7 when the run had deliveries; else the
 * single-database life of figure 6 with projections modelled in full batches.
 */
export function perMessage(results: Used) {
  const life = results.perShard?.life;
  if (life) {
    const date = results.date.slice(0, 10);
    return {
      measured: true,
      kind: `measured (npm run bench, figure 7, ${date}: SMS at ${life.perSecond}/s, account over two shards)`,
      life,
      shard: shardAverage(life),
      control: life.d1ByDatabase.CONTROL_DB ?? NO_DATABASE,
      queueMessages: Object.values(life.queueMessages).reduce((a, b) => a + b, 0),
    };
  }
  const sms = results.cost!.sms!;
  const projections = Math.max(0, sms.d1Writes - 1);
  return {
    measured: false,
    kind: `modelled: ${results.date.slice(0, 10)}'s one-database life (figure 6), its projections ${MODELLED_PROJECTION_BATCH} to a batch`,
    life: sms,
    // The insert, the projections' share of batches, and the object's read of its row on its shard; the other reads on the control database.
    shard: {
      ...NO_DATABASE,
      writeStatements: sms.d1Writes,
      readStatements: 1,
      calls: 2 + projections / MODELLED_PROJECTION_BATCH,
      writeCalls: 1 + projections / MODELLED_PROJECTION_BATCH,
    },
    control: { ...NO_DATABASE, readStatements: sms.d1Reads - 1, calls: sms.d1Reads - 1 },
    queueMessages: 1 + projections,
  };
}
