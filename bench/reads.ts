// Figure 4: retrieves and list pages over seeded messages, for an account with
// few messages, one with many on one message database, and one with as many
// spread over two (target: its list p99 at most 1.5x the one-shard account's).
import { encodeCursor } from "../src/domain/cursor.ts";
import { benchAccount, ONE_SHARD, TWO_SHARDS } from "./accounts.ts";
import { LOAD, type LoadResult, sideBySide } from "./load.ts";
import type { LocalWorker } from "./local-worker.ts";
import { seedMessages } from "./seed.ts";
import { type Seeding, seededId } from "./seed-sql.ts";

const SMALL = 1_000;
const LARGE = 200_000;

/** Per route: the small account, the large one on one shard, the large one over two shards. */
export type ReadResults = Record<"retrieve" | "list", { small: LoadResult; large: LoadResult; spread: LoadResult }>;

/** Request paths for one account's seeded messages: single messages, and list pages at random depths. */
function readPaths(seeding: Seeding) {
  const pick = () => Math.floor(Math.random() * seeding.count);
  return {
    retrieve: Array.from({ length: 1_000 }, () => `/v1/messages/${seededId(seeding, pick())}`),
    // One request in ten reads the first page; the others continue from a random message's cursor.
    list: Array.from({ length: 1_000 }, (_, i) =>
      i % 10 === 0 ? "/v1/messages?limit=100" : `/v1/messages?limit=100&cursor=${encodeCursor({ id: seededId(seeding, pick()), dir: "next" })}`,
    ),
  };
}

export async function readBenchmarks(api: LocalWorker, log: (line: string) => void): Promise<ReadResults> {
  // A day apart, so the accounts' seeded ids never meet.
  const day = 86_400_000;
  const smallStart = Date.now() - day;
  const small = await benchAccount(api, "bench-1k", ONE_SHARD);
  const large = await benchAccount(api, "bench-200k", ONE_SHARD);
  const spread = await benchAccount(api, "bench-200k-spread", TWO_SHARDS);
  const seedings = {
    small: { accountId: small.account_id, count: SMALL, startMs: smallStart, shards: ONE_SHARD.write },
    large: { accountId: large.account_id, count: LARGE, startMs: smallStart - day, shards: ONE_SHARD.write },
    // Every other message on each shard: interleaved in time, as random placement of creates spreads them.
    spread: { accountId: spread.account_id, count: LARGE, startMs: smallStart - 2 * day, shards: TWO_SHARDS.write },
  };
  log(`seeding ${SMALL.toLocaleString("en")} messages, ${LARGE.toLocaleString("en")} on one shard and ${LARGE.toLocaleString("en")} over two`);
  for (const seeding of Object.values(seedings)) seedMessages(api.d1, seeding);
  const paths = { small: readPaths(seedings.small), large: readPaths(seedings.large), spread: readPaths(seedings.spread) };
  const spec = (headers: Record<string, string>, routePaths: string[]) => ({
    url: api.url,
    headers,
    paths: routePaths,
    expectStatus: 200,
    cpuSeconds: api.cpuSeconds,
  });
  const results = await sideBySide(
    {
      retrieveSmall: spec(small.headers, paths.small.retrieve),
      retrieveLarge: spec(large.headers, paths.large.retrieve),
      retrieveSpread: spec(spread.headers, paths.spread.retrieve),
      listSmall: spec(small.headers, paths.small.list),
      listLarge: spec(large.headers, paths.large.list),
      listSpread: spec(spread.headers, paths.spread.list),
    },
    (round) => log(`reads: 1,000 stored, 200,000 on one shard and over two, round ${round} of ${LOAD.rounds}`),
  );
  return {
    retrieve: { small: results.retrieveSmall, large: results.retrieveLarge, spread: results.retrieveSpread },
    list: { small: results.listSmall, large: results.listLarge, spread: results.listSpread },
  };
}

/** `--reads`: figure 4's rows, p50 and p99 of each. */
export function readsSummary(reads: ReadResults): string {
  const rows = (["retrieve", "list"] as const).flatMap((route) =>
    (["small", "large", "spread"] as const).map((account) => {
      const { rps, p50Ms, p99Ms } = reads[route][account];
      return `| ${route} | ${account} | ${rps.toFixed(0)} | ${p50Ms.toFixed(2)} ms | ${p99Ms.toFixed(2)} ms |`;
    }),
  );
  return ["| route | account | req/s | p50 | p99 |", "| --- | --- | ---: | ---: | ---: |", ...rows].join("\n");
}
