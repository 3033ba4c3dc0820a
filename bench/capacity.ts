// npm run capacity: how many message databases, queues and objects OmniFlow
// needs for a given rate and retention, and what a million messages costs at
// Cloudflare's list prices. Figures measured here come from the last
// `npm run bench` (bench/results.json, else the run recorded in
// bench/recorded-results.json) and from the message schema itself
// (capacity-schema.ts, measured now); the rest are Cloudflare's published
// limits and prices (capacity-published.ts). docs/scale.md explains the model.
//   npm run capacity -- --rate 10000 --retention-days 30 --hot-days 7
//   npm run capacity -- --record    # after npm run bench: keep its figures in bench/recorded-results.json
import { parseArgs } from "node:util";
import { floorRows } from "./capacity-floor.ts";
import { MODELLED_PROJECTION_BATCH, NO_DATABASE, perMessage, shardAverage } from "./capacity-inputs.ts";
import { PUBLISHED } from "./capacity-published.ts";
import { benchResults, record } from "./capacity-results.ts";
import { measureSchema, SAMPLE_ROWS } from "./capacity-schema.ts";
import { archivePlan, largestHotWindow } from "./capacity-storage.ts";
import { targetRows } from "./capacity-targets.ts";

const { values: options } = parseArgs({
  options: {
    rate: { type: "string", default: "10000" },
    "retention-days": { type: "string", default: "30" },
    "hot-days": { type: "string", default: "7" },
    results: { type: "string" },
    record: { type: "boolean", default: false },
  },
});
const RATE = Number(options.rate);
const RETENTION_DAYS = Number(options["retention-days"]);
/** The hot window an archive would keep in D1 (at most the retention). */
const HOT_DAYS = Math.min(Number(options["hot-days"]), RETENTION_DAYS);
/** Headroom: plan each piece to run at half its published limit, and fill a database to 80%. */
const UTILIZATION = 0.5;
const FILL = 0.8;
/**
 * Message objects one chain of retention's tasks empties a minute (src/services/retention-tasks.ts: one chain per
 * message database, one per account with an expired archived day; chains run concurrently as the retention queue's
 * consumers scale out). Measured: one task emptied 2,000 messages' objects and deleted their rows in 15.7 s in local
 * workerd on this 2-core machine (7.8 ms each), a lower bound where the objects run on many machines.
 */
const RETENTION_CHAIN_PER_MINUTE = 7_700;
const fmt = (value: number, digits = 2) => value.toLocaleString("en", { maximumFractionDigits: digits });
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

function main() {
  const { source, results } = benchResults(options.results);
  const kept = results.pipeline?.stages.filter((stage) => stage.keptUp).at(-1);
  const schema = measureSchema();
  const p = PUBLISHED;
  const m = perMessage(results);
  const accept = results.perShard?.accept;

  // Per message (an SMS, created -> delivered, both callbacks acknowledged).
  const projections = Math.max(0, m.shard.writeStatements - 1);
  // The messages table's rows alone, from the schema: the cross-check of the measured figure, which adds the triggers' rows.
  const schemaRows = schema.rowsPerInsert + projections * schema.rowsPerProjection + m.control.writeStatements;
  // Rows as D1 billed them when the bench counted them (meta.rows_written: the usage rollups' triggers included).
  const d1RowsWritten = m.life.rowsWritten?.d1 ?? schemaRows;
  // Rows as the runtime counts them when the bench measured them (SQLite's own bookkeeping included); else write statements.
  const objectRows = m.life.rowsWritten?.durableObjects ?? m.life.durableObjectStorageWrites;
  const queueOps = 3 * m.queueMessages; // write + read + delete, for the delivery job and each queued projection
  const workersRequests = 1 + 2 + 1 / 10; // the create, two provider receipts, a share of a consumer batch
  const cpuMs = kept?.cpuMsPerMessage ?? Number.NaN;

  // One message database's time per message: each call's published overhead, plus SQLite's time for the statements.
  const dbMsPerMessage = m.shard.calls * p.d1.callMs + schema.insertMs + projections * schema.projectionMs;
  const perDatabaseRate = (UTILIZATION * 1000) / dbMsPerMessage;
  // The measured calls carry the batching of the rate they were measured at: with full batches, the projections' share shrinks to this.
  const fullBatchCalls = m.shard.calls - (m.shard.writeCalls - 1) + projections / MODELLED_PROJECTION_BATCH;
  const fullBatchRate = (UTILIZATION * 1000) / (fullBatchCalls * p.d1.callMs + schema.insertMs + projections * schema.projectionMs);
  // The control database is one: its calls per message, at the whole rate, against what one database takes.
  const controlCallsPerSecond = RATE * m.control.calls;
  const controlLoad = controlCallsPerSecond / ((UTILIZATION * 1000) / p.d1.callMs);
  // Beyond the creates' share, the control database's calls are the projection consumer's one placement read per
  // batch: with full batches at this rate, one per MODELLED_PROJECTION_BATCH projections.
  const createControlCalls = (results.perShard?.accept?.d1ByDatabase.CONTROL_DB ?? NO_DATABASE).calls;
  const fullBatchControlPerSecond = RATE * (createControlCalls + projections / MODELLED_PROJECTION_BATCH);
  const fullBatchControlLoad = fullBatchControlPerSecond / ((UTILIZATION * 1000) / p.d1.callMs);
  const stored = RATE * 86_400 * RETENTION_DAYS;
  const storedBytes = stored * schema.bytesPerMessage;
  const forStorage = Math.ceil(storedBytes / (p.d1.databaseBytes * FILL));
  const forWrites = Math.ceil(RATE / perDatabaseRate);
  const databases = Math.max(forStorage, forWrites);
  // Retention's chains at once: the queue's consumers, planned at half of what Queues runs.
  const retentionChains = p.queues.consumerConcurrency * UTILIZATION;
  const retentionPerMinute = retentionChains * RETENTION_CHAIN_PER_MINUTE;
  const deliveryQueues = Math.ceil(RATE / (p.queues.messagesPerSecond * UTILIZATION));
  const projectionsQueued = RATE * Math.max(0, m.queueMessages - 1);
  const projectionQueues = Math.ceil(projectionsQueued / (p.queues.messagesPerSecond * UTILIZATION));
  const gateObjects = Math.ceil(RATE / (p.durableObjects.requestsPerSecond * UTILIZATION));

  const perMillion = {
    "Workers requests": workersRequests * p.prices.workersRequest,
    "Workers CPU": cpuMs * p.prices.workersCpuMs,
    "D1 rows written": d1RowsWritten * p.prices.d1RowWritten,
    "D1 rows read": (m.shard.readStatements + m.control.readStatements) * p.prices.d1RowRead,
    "Durable Object requests": m.life.durableObjectRequests * p.prices.durableObjectRequest,
    "Durable Object storage rows written": objectRows * p.prices.durableObjectRowWritten,
    "Queue operations": queueOps * p.prices.queueOperation,
  };
  const perMillionTotal = Object.values(perMillion).reduce((a, b) => a + b, 0);
  const monthlyMessages = RATE * 86_400 * 30;
  const storageMonthly = (storedBytes / 1e9) * p.prices.d1GbMonth;

  const acceptDate = `measured (npm run bench, figure 7, ${results.date.slice(0, 10)}: creates alone, account over two shards)`;
  const acceptShard = accept ? shardAverage(accept) : undefined;
  const acceptControl = accept?.d1ByDatabase.CONTROL_DB ?? NO_DATABASE;
  console.log(`# Capacity for ${fmt(RATE)} messages/s, ${RETENTION_DAYS} days kept\n`);
  console.log(`Measured: ${source} (${results.date.slice(0, 10)}), and the message schema now (${SAMPLE_ROWS.toLocaleString("en")} rows in SQLite).\n`);
  if (results.note?.startsWith("--life")) console.log(`${results.note}.\n`);
  console.log(
    table(
      ["input", "value", "kind"],
      [
        ["D1 write statements per message per shard (insert + status projections)", fmt(m.shard.writeStatements), m.kind],
        ["D1 calls (batches) per message per shard (of which write)", `${fmt(m.shard.calls)} (${fmt(m.shard.writeCalls)})`, m.kind],
        ["D1 read statements per message per shard", fmt(m.shard.readStatements), m.kind],
        [
          "Control database per message: read statements / write statements / calls",
          `${fmt(m.control.readStatements)} / ${fmt(m.control.writeStatements)} / ${fmt(m.control.calls)}`,
          m.kind,
        ],
        ...(acceptShard
          ? [
              ["A create alone: D1 write statements / calls on its shard", `${fmt(acceptShard.writeStatements)} / ${fmt(acceptShard.calls)}`, acceptDate],
              [
                "A create alone: control database reads / writes (the gate answers from its cache; a reload every 10 s per busy account)",
                `${fmt(acceptControl.readStatements, 3)} / ${fmt(acceptControl.writeStatements, 3)}`,
                acceptDate,
              ],
            ]
          : []),
        [
          "D1 rows written per SMS on the messages table alone (index entries included; no trigger)",
          `${fmt(schemaRows)} (${schema.rowsPerInsert} per insert, ${schema.rowsPerProjection} per projection; ${schema.indexes} indexes)`,
          "measured (schema)",
        ],
        ["Queue messages per SMS (delivery job + projections)", fmt(m.queueMessages), m.kind],
        [
          "Durable Object requests / storage write statements / storage rows written per SMS",
          `${fmt(m.life.durableObjectRequests)} / ${fmt(m.life.durableObjectStorageWrites)} / ${m.life.rowsWritten ? fmt(objectRows) : "not counted in this run"}`,
          m.measured ? m.kind : "measured (npm run bench, figure 6)",
        ],
        ...(m.life.rowsWritten
          ? [["D1 rows written per SMS, as the runtime counted them (meta.rows_written; priced below)", fmt(m.life.rowsWritten.d1), m.kind]]
          : []),
        [
          "CPU per message, end to end",
          `${fmt(cpuMs, 1)} ms at ${kept?.targetPerSecond ?? "-"}/s (local runtime and simulators included: an upper bound)`,
          "measured (npm run bench, figure 5)",
        ],
        ["Bytes per stored message (row and indexes)", fmt(schema.bytesPerMessage, 0), "measured (schema)"],
        ["SQLite time per insert / per projection update", `${fmt(schema.insertMs, 3)} / ${fmt(schema.projectionMs, 3)} ms`, "measured (schema, this machine)"],
        ["D1 time per call", `${p.d1.callMs} ms`, `published (${p.d1.source})`],
        ["D1 database size", `${fmt(p.d1.databaseBytes / 1e9)} GB; ${fmt(p.d1.databasesPerAccount)} databases per account`, `published (${p.d1.source})`],
        ["Queue throughput", `${fmt(p.queues.messagesPerSecond)} messages/s per queue`, `published (${p.queues.source})`],
        ["Durable Object throughput", `about ${fmt(p.durableObjects.requestsPerSecond)} requests/s per object`, `published (${p.durableObjects.source})`],
      ],
    ),
  );
  console.log(`\n## Configuration (every piece planned at ${UTILIZATION * 100}% of its limit, databases filled to ${FILL * 100}%)\n`);
  console.log(
    table(
      ["piece", "needed", "why"],
      [
        [
          "message databases (D1)",
          fmt(databases),
          `${fmt(forStorage)} to hold ${fmt(stored / 1e9)} billion messages (${fmt(storedBytes / 1e12)} TB); ${fmt(forWrites)} for the writes (${fmt(perDatabaseRate, 0)} messages/s each: ${fmt(dbMsPerMessage, 3)} ms of database time per message${m.measured ? `; with projection batches full, ${fmt(fullBatchCalls)} calls a message and ${fmt(Math.ceil(RATE / fullBatchRate))} databases` : ""})`,
        ],
        [
          "control database (D1)",
          "1",
          `${fmt(controlCallsPerSecond, 0)} calls/s at this rate with the measured batching: ${fmt(controlLoad * 100, 0)}% of what one database takes at ${UTILIZATION * 100}%${controlLoad > 1 ? " (over)" : ""}${m.measured ? `; with projection batches full, ${fmt(fullBatchControlPerSecond, 0)} calls/s, ${fmt(fullBatchControlLoad * 100, 0)}%${fullBatchControlLoad > 1 ? " (**over**: see docs/scale.md)" : ""}` : ""}`,
        ],
        ["delivery queues", fmt(deliveryQueues), `${fmt(RATE)} jobs/s`],
        ["projection queues", fmt(projectionQueues), `${fmt(projectionsQueued)} status projections/s`],
        ["account gates for one account sending it all", fmt(gateObjects), "one create = one gate request"],
        ["message objects", `${fmt(RATE)} new per second`, "one per message: each sees a few requests in its life"],
        [
          "retention and archive expiry (each message's object emptied by a task of the retention queue)",
          `${fmt(RATE * 60)} a minute to keep up`,
          `${fmt(retentionChains)} concurrent consumers (${UTILIZATION * 100}% of Queues' ${fmt(p.queues.consumerConcurrency)}) of ${fmt(RETENTION_CHAIN_PER_MINUTE)} a minute each (measured locally): ${fmt(retentionPerMinute)} a minute, ${retentionPerMinute >= RATE * 60 ? "within" : "**over**"}; each database's chain needs ${fmt((RATE * 60) / databases, 0)} a minute (${(RATE * 60) / databases <= RETENTION_CHAIN_PER_MINUTE ? "within" : "**over**"}); one account's archive is one chain, ${fmt(RETENTION_CHAIN_PER_MINUTE / 60, 0)} messages/s sustained (docs/scale.md)`,
        ],
      ],
    ),
  );
  console.log(`\n## Cost at list prices (Workers Paid, usage beyond the included amounts)\n`);
  console.log(
    table(
      ["item", "per million messages"],
      [...Object.entries(perMillion).map(([item, usd]) => [item, `$${fmt(usd)}`]), ["**total**", `**$${fmt(perMillionTotal)}**`]],
    ),
  );
  console.log(
    `\nAt ${fmt(RATE)} messages/s: ${fmt(monthlyMessages / 1e9)} billion messages a month, $${fmt((perMillionTotal * monthlyMessages) / 1e6, 0)} a month of operations, plus $${fmt(storageMonthly, 0)} a month of D1 storage for ${RETENTION_DAYS} days of them (${fmt(storedBytes / 1e12)} TB; D1's published per-account storage is ${fmt(p.d1.accountBytes / 1e12)} TB).`,
  );
  console.log(`\n## Storage as hot D1 plus the R2 archive (ARCHIVE_HOT_DAYS; see docs/scale.md)\n`);
  console.log(table(["piece", "value", "why"], archivePlan({ rate: RATE, retentionDays: RETENTION_DAYS, hotDays: HOT_DAYS, fill: FILL }, schema, storedBytes)));
  const storage = largestHotWindow(RATE * 86_400, RETENTION_DAYS, { d1: schema.bytesPerMessage, archived: schema.archivedBytesPerMessage }, FILL);
  console.log(`\n## Targets (issue 30)\n`);
  console.log(
    table(
      ["target", "figure", "verdict"],
      targetRows({
        costPerMillion: perMillionTotal,
        d1RowsPerSms: d1RowsWritten,
        d1RowsKind: m.life.rowsWritten ? "as D1 billed them in the bench" : "the schema's count: this run did not count rows",
        objectRowsPerSms: objectRows,
        rate: RATE,
        retentionDays: RETENTION_DAYS,
        storage,
        expiredPerMinute: retentionPerMinute,
      }),
    ),
  );
  const floor = floorRows({
    schema,
    objectRows,
    callbacks: results.cost?.sms?.webhooks ?? 2,
    fixed: {
      workersRequests: perMillion["Workers requests"],
      workersCpu: perMillion["Workers CPU"],
      durableObjectRequests: perMillion["Durable Object requests"],
    },
  });
  console.log(`\n## The design's floor: what an SMS must pay for (docs/scale.md)\n`);
  console.log(table(["what", "which promise or feature needs it", "per million SMS"], floor.rows));
  console.log(
    `\nMeasured $${fmt(perMillionTotal)}, of which $${fmt(perMillionTotal - floor.total)} above the floor (the usage rollups' rows, the projection queue). A target below $${fmt(floor.total)} means giving up one of the lines above.`,
  );
}

if (options.record) record(options.results);
else main();
