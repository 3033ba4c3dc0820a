// npm run capacity: how many message databases, queues and objects OmniFlow
// needs for a given rate and retention, and what a million messages costs at
// Cloudflare's list prices. Figures measured here come from the last
// `npm run bench` (bench/results.json, else the run recorded in
// bench/recorded-results.json) and from this schema itself (bytes and rows
// written per message, SQLite's time per statement: measured now on a plain
// SQLite copy of the migrations); the rest are Cloudflare's published limits
// and prices (src below). docs/scale.md explains the model.
//   npm run capacity -- --rate 10000 --retention-days 30
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import type { Results } from "../bench/report.ts";
import { seedMessagesSql } from "../bench/seed.ts";
import { PUBLISHED } from "./capacity-published.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values: options } = parseArgs({
  options: { rate: { type: "string", default: "10000" }, "retention-days": { type: "string", default: "30" }, results: { type: "string" } },
});
const RATE = Number(options.rate);
const RETENTION_DAYS = Number(options["retention-days"]);
/** Headroom: plan each piece to run at half its published limit, and fill a database to 80%. */
const UTILIZATION = 0.5;
const FILL = 0.8;
/** Status projections grouped per D1 batch through the projection queue (issue 18's design). */
const PROJECTION_BATCH = 100;
const SAMPLE_ROWS = 20_000;

function benchResults(): { source: string; results: Pick<Results, "date" | "cost" | "pipeline" | "durableAccept"> } {
  const candidates = [options.results, path.join(ROOT, "bench/results.json"), path.join(ROOT, "bench/recorded-results.json")];
  const file = candidates.find((candidate) => candidate !== undefined && existsSync(candidate))!;
  return { source: path.relative(ROOT, file), results: JSON.parse(readFileSync(file, "utf8")) };
}

/** The schema as the migrations build it, in a plain SQLite file: what one message costs to store and to project. */
function measureSchema() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "omniflow-capacity-"));
  const db = new DatabaseSync(path.join(dir, "messages.sqlite"));
  // Statement time without this disk's fsync: D1's durability is in its published per-call time.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
  try {
    const migrations = readdirSync(path.join(ROOT, "migrations"))
      .filter((file) => file.endsWith(".sql"))
      .sort();
    for (const file of migrations) db.exec(readFileSync(path.join(ROOT, "migrations", file), "utf8").replaceAll("--> statement-breakpoint", ""));
    const size = () => {
      const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
      const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
      return page_count * page_size;
    };
    const empty = size();
    db.exec(seedMessagesSql("acct_capacity", SAMPLE_ROWS, Date.UTC(2026, 0, 1)));
    const bytesPerMessage = (size() - empty) / SAMPLE_ROWS;

    // D1 bills a written row per index entry changed too: the insert touches every index, a status projection those holding status.
    const indexes = (db.prepare("PRAGMA index_list(messages)").all() as { name: string; partial: number }[]).map(({ name, partial }) => {
      const columns = (db.prepare(`PRAGMA index_info(${JSON.stringify(name)})`).all() as { name: string }[]).map((column) => column.name);
      const { sql } = db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(name) as { sql: string | null };
      return { columns, statusDependent: columns.includes("status") || columns.includes("updated_at") || (partial === 1 && /status/.test(sql ?? "")) };
    });
    const rowsPerInsert = 1 + indexes.length;
    const rowsPerProjection = 1 + indexes.filter((index) => index.statusDependent).length;

    // SQLite's own time per statement, on this machine (D1 runs SQLite; its per-call overhead is published, below).
    const timed = (count: number, statement: (i: number) => void) => {
      const start = performance.now();
      for (let i = 0; i < count; i++) statement(i);
      return (performance.now() - start) / count;
    };
    const insertMs = timed(2_000, (i) => db.exec(seedMessagesSql("acct_capacity_2", 1, Date.UTC(2026, 1, 1) + i)));
    const ids = (db.prepare("SELECT id FROM messages WHERE account_id = 'acct_capacity' LIMIT 2000").all() as { id: string }[]).map((row) => row.id);
    const update = db.prepare("UPDATE messages SET status = 'read', updated_at = ? WHERE id = ? AND account_id = 'acct_capacity'");
    const projectionMs = timed(ids.length, (i) => update.run(1_800_000_000 + i, ids[i]!));
    return { bytesPerMessage, rowsPerInsert, rowsPerProjection, insertMs, projectionMs, indexes: indexes.length };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (value: number, digits = 2) => value.toLocaleString("en", { maximumFractionDigits: digits });
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

function main() {
  const { source, results } = benchResults();
  const sms = results.cost.sms!;
  const kept = results.pipeline.stages.filter((stage) => stage.keptUp).at(-1);
  const schema = measureSchema();
  const p = PUBLISHED;

  // Per message (an SMS, created -> delivered, both callbacks acknowledged).
  const projections = Math.max(0, sms.d1Writes - 1);
  const d1RowsWritten = schema.rowsPerInsert + projections * schema.rowsPerProjection;
  const queueOps = 3 * (1 + projections); // write + read + delete, for the delivery job and each queued projection
  const workersRequests = 1 + 2 + 1 / 10; // the create, two provider receipts, a share of a consumer batch
  const cpuMs = kept?.cpuMsPerMessage ?? Number.NaN;

  // One message database's time per message: the insert as its own call, projections in batches.
  const dbMsPerMessage = p.d1.callMs + schema.insertMs + projections * (p.d1.callMs / PROJECTION_BATCH + schema.projectionMs);
  const perDatabaseRate = (UTILIZATION * 1000) / dbMsPerMessage;
  const stored = RATE * 86_400 * RETENTION_DAYS;
  const storedBytes = stored * schema.bytesPerMessage;
  const forStorage = Math.ceil(storedBytes / (p.d1.databaseBytes * FILL));
  const forWrites = Math.ceil(RATE / perDatabaseRate);
  const databases = Math.max(forStorage, forWrites);
  const deliveryQueues = Math.ceil(RATE / (p.queues.messagesPerSecond * UTILIZATION));
  const projectionQueues = Math.ceil((RATE * projections) / (p.queues.messagesPerSecond * UTILIZATION));
  const gateObjects = Math.ceil(RATE / (p.durableObjects.requestsPerSecond * UTILIZATION));

  const perMillion = {
    "Workers requests": workersRequests * p.prices.workersRequest,
    "Workers CPU": cpuMs * p.prices.workersCpuMs,
    "D1 rows written": d1RowsWritten * p.prices.d1RowWritten,
    "D1 rows read": sms.d1Reads * p.prices.d1RowRead,
    "Durable Object requests": sms.durableObjectRequests * p.prices.durableObjectRequest,
    "Durable Object storage rows written": sms.durableObjectStorageWrites * p.prices.durableObjectRowWritten,
    "Queue operations": queueOps * p.prices.queueOperation,
  };
  const perMillionTotal = Object.values(perMillion).reduce((a, b) => a + b, 0);
  const monthlyMessages = RATE * 86_400 * 30;
  const storageMonthly = (storedBytes / 1e9) * p.prices.d1GbMonth;

  console.log(`# Capacity for ${fmt(RATE)} messages/s, ${RETENTION_DAYS} days kept\n`);
  console.log(`Measured: ${source} (${results.date.slice(0, 10)}), and this schema now (${SAMPLE_ROWS.toLocaleString("en")} rows in SQLite).\n`);
  console.log(
    table(
      ["input", "value", "kind"],
      [
        ["D1 write statements per SMS (insert + status projections)", fmt(sms.d1Writes), "measured (npm run bench, figure 6)"],
        [
          "D1 rows written per SMS (index entries included)",
          `${fmt(d1RowsWritten)} (${schema.rowsPerInsert} per insert, ${schema.rowsPerProjection} per projection; ${schema.indexes} indexes)`,
          "measured (schema)",
        ],
        ["D1 reads per SMS", fmt(sms.d1Reads), "measured (npm run bench, figure 6)"],
        [
          "Durable Object requests / storage writes per SMS",
          `${fmt(sms.durableObjectRequests)} / ${fmt(sms.durableObjectStorageWrites)}`,
          "measured (npm run bench, figure 6)",
        ],
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
          `${fmt(forStorage)} to hold ${fmt(stored / 1e9)} billion messages (${fmt(storedBytes / 1e12)} TB); ${fmt(forWrites)} for the writes (${fmt(perDatabaseRate, 0)} messages/s each: ${fmt(dbMsPerMessage, 3)} ms of database time per message)`,
        ],
        ["delivery queues", fmt(deliveryQueues), `${fmt(RATE)} jobs/s`],
        ["projection queues", fmt(projectionQueues), `${fmt(RATE * projections)} status projections/s, written ${PROJECTION_BATCH} per D1 batch`],
        ["account gates for one account sending it all", fmt(gateObjects), "one create = one gate request"],
        ["message objects", `${fmt(RATE)} new per second`, "one per message: each sees a few requests in its life"],
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
}

main();
