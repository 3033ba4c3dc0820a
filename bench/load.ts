// Closed-loop load with autocannon: a fixed number of connections, each
// sending its next request as soon as the previous one is answered, for a
// fixed time. Figures that are compared with each other are measured side by
// side: each is warmed up, then all take turns for a few rounds, and each
// figure is the median of its rounds. A burst of load from outside the bench
// then lands on one round of every figure rather than on one figure, so the
// ratios hold on a shared machine. Latencies are collected per response at
// sub-millisecond precision (autocannon's own histogram rounds to whole ms).
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Paths cycled through, one per request (default: the URL's own path). */
  paths?: string[];
  /** The status every answer must have. */
  expectStatus: number;
  /** CPU time (s) used so far by the worker that serves the route. */
  cpuSeconds: () => number;
  /** Concurrent connections (default LOAD.connections). */
  connections?: number;
}

interface Round {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the worker's processes per answered request: hardly moved by other load on the machine. */
  cpuMsPerRequest: number;
}

/** The median of the rounds, figure by figure, and the rounds themselves. */
export interface LoadResult extends Round {
  rounds: Round[];
}

export const LOAD = { connections: 10, warmupSeconds: 2, rounds: 5, secondsPerRound: 3 };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

async function run(spec: LoadSpec, seconds: number): Promise<Round> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const paths = spec.paths;
  const cpuBefore = spec.cpuSeconds();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections ?? LOAD.connections,
        duration: seconds,
        method: spec.method ?? "GET",
        headers: spec.headers,
        body: spec.body,
        requests: paths ? [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }] : undefined,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === spec.expectStatus) latencies.push(responseTime);
      else failures += 1;
    });
  });
  const cpuSeconds = spec.cpuSeconds() - cpuBefore;
  failures += result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${spec.method ?? "GET"} ${spec.url}: ${failures} answers were not ${spec.expectStatus} or failed`);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerRequest: (cpuSeconds * 1000) / latencies.length,
  };
}

/** Warms each route up (JIT, connections, SQLite page cache), then measures them in turns. */
export async function sideBySide<K extends string>(specs: Record<K, LoadSpec>, onRound?: (round: number) => void): Promise<Record<K, LoadResult>> {
  const names = Object.keys(specs) as K[];
  for (const name of names) await run(specs[name], LOAD.warmupSeconds);
  const rounds = Object.fromEntries(names.map((name) => [name, [] as Round[]])) as Record<K, Round[]>;
  for (let round = 1; round <= LOAD.rounds; round++) {
    onRound?.(round);
    for (const name of names) rounds[name].push(await run(specs[name], LOAD.secondsPerRound));
  }
  return Object.fromEntries(
    names.map((name) => {
      const own = rounds[name];
      const result: LoadResult = {
        requests: own.reduce((sum, r) => sum + r.requests, 0),
        rps: median(own.map((r) => r.rps)),
        p50Ms: median(own.map((r) => r.p50Ms)),
        p99Ms: median(own.map((r) => r.p99Ms)),
        cpuMsPerRequest: median(own.map((r) => r.cpuMsPerRequest)),
        rounds: own,
      };
      return [name, result];
    }),
  ) as Record<K, LoadResult>;
}
