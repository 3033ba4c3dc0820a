// npm run profile: where a create's CPU goes. Runs POST /v1/messages (and
// baseline B beside it) under closed-loop load while the V8 sampling profiler
// of each Worker's own isolate records, through wrangler dev's inspector; then
// splits each request's CPU into the Worker's JavaScript (by package, mapped
// through the bundle's source map), its garbage collection, and everything
// outside the Worker's isolate: wrangler's proxy, workerd's native work and the
// local D1, Queue and Durable Object simulators (the part Cloudflare's edge
// runs as separate services). BENCH_PORT as for npm run bench.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocket } from "undici";
import { createKey, setLimits } from "../scripts/accounts.ts";
import { type LoadResult, sideBySide } from "./load.ts";
import { BASELINE_CONFIG, omniflowCompatibilityDate, omniflowConfig, startLocalWorker } from "./local-worker.ts";
import { SMS } from "./pipeline.ts";

const PORT = Number(process.env.BENCH_PORT ?? 8808);
const SAMPLING_INTERVAL_US = 200;

interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface Profile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/** One inspector session over the Chrome DevTools protocol. */
async function inspector(port: number) {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  // wrangler's inspector proxy refuses an upgrade without an Origin.
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl, { headers: { origin: "http://127.0.0.1" } });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  // The proxy renumbers ids, so answers (which come in order) meet their calls in order.
  const waiting: ((result: unknown) => void)[] = [];
  /** Script ids to their files, from Debugger.scriptParsed (the profile names the bundle only "index.js"). */
  const scripts = new Map<string, string>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; method?: string; params?: { scriptId: string; url: string } };
    if (message.method === "Debugger.scriptParsed" && message.params) scripts.set(message.params.scriptId, message.params.url);
    if (message.id !== undefined) waiting.shift()?.(message.result);
  });
  return {
    send<T>(method: string, params: object = {}): Promise<T> {
      socket.send(JSON.stringify({ id: waiting.length + 1, method, params }));
      return new Promise((resolve) => waiting.push(resolve as (result: unknown) => void));
    },
    scripts,
    close: () => socket.close(),
  };
}

interface Place {
  /** A package, a folder of OmniFlow's, or the runtime. */
  group: string;
  /** The function and where it is written. */
  name: string;
}

/** Where a frame's code comes from, mapped through the bundle's source map. */
function place(frame: CallFrame, scripts: Map<string, string>, maps: Map<string, SourceMap | null>): Place {
  if (frame.url === "") {
    const group = frame.functionName.startsWith("(") ? frame.functionName : "(runtime built-ins)";
    return { group, name: `${frame.functionName} (built-in)` };
  }
  const url = scripts.get(frame.scriptId) ?? frame.url;
  if (!url.startsWith("file:")) return { group: `(${url})`, name: `${frame.functionName} (${url})` };
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")));
    } catch {
      map = null; // No map beside it: counted under its own file.
    }
    maps.set(url, map);
  }
  const source = maps.get(url)?.findEntry(frame.lineNumber, frame.columnNumber);
  const mapped = source !== undefined && "originalSource" in source && typeof source.originalSource === "string";
  const file = mapped ? source.originalSource : url;
  const line = mapped ? source.originalLine + 1 : frame.lineNumber + 1;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  const own = /\/(src|bench)\/([^/]+)/.exec(file);
  const group = pkg ? pkg[1]! : own ? `${own[1]}/${own[2]}` : "(other)";
  return { group, name: `${frame.functionName || "(anonymous)"} (${file.replace(/^.*\/(node_modules|src|bench)\//, "$1/")}:${line})` };
}

/** Self time (ms) by group and by function. */
function selfTimes(profile: Profile, scripts: Map<string, string>) {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const maps = new Map<string, SourceMap | null>();
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (totals: Map<string, number>, key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms);
  profile.samples.forEach((nodeId, i) => {
    const { group, name } = place(frames.get(nodeId)!, scripts, maps);
    const ms = profile.timeDeltas[i]! / 1000;
    add(groups, group, ms);
    if (!group.startsWith("(idle") && !group.startsWith("(program")) add(functions, name, ms);
  });
  return { groups, functions };
}

async function profiled(inspectorPort: number, load: () => Promise<LoadResult>) {
  const session = await inspector(inspectorPort);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await session.send("Profiler.start");
  const result = await load();
  const { profile } = await session.send<{ profile: Profile }>("Profiler.stop");
  // Enabled only now, so that it costs the load nothing: it replays every script's scriptParsed.
  await session.send("Debugger.enable");
  await session.send("Debugger.disable");
  session.close();
  return { result, ...selfTimes(profile, session.scripts) };
}

function report(name: string, { result, groups: totals, functions }: Awaited<ReturnType<typeof profiled>>, requests: number) {
  const perRequest = (ms: number) => ms / requests;
  const idle = (totals.get("(idle)") ?? 0) + (totals.get("(program)") ?? 0);
  const busy = [...totals].filter(([key]) => key !== "(idle)" && key !== "(program)").reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`\n${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, CPU/req (all processes) ${result.cpuMsPerRequest.toFixed(2)} ms`);
  console.log(`  the Worker's isolate, busy: ${perRequest(busy).toFixed(2)} ms/req (idle or in the runtime: ${perRequest(idle).toFixed(2)} ms/req)`);
  console.log(`  outside the Worker's isolate (proxy, workerd, D1/Queue/DO simulators): ${(result.cpuMsPerRequest - perRequest(busy)).toFixed(2)} ms/req`);
  const rows = [...totals].filter(([key]) => key !== "(idle)" && key !== "(program)").sort((a, b) => b[1] - a[1]);
  for (const [key, ms] of rows.slice(0, 14)) console.log(`    ${key.padEnd(36)} ${perRequest(ms).toFixed(3)} ms/req  ${((100 * ms) / busy).toFixed(1)}%`);
  console.log("  functions by self time:");
  for (const [key, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`    ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${key}`);
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "omniflow-profile-"));
  const start = (name: string, config: string, port: number, extraArgs: string[] = []) =>
    startLocalWorker({ config, port, inspectorPort: port + 1, persistTo: path.join(work, name), logFile: path.join(work, `${name}.log`), extraArgs });
  const api = await start("api", omniflowConfig(work, "api", { consumers: false }), PORT);
  const baseline = await start("baseline", BASELINE_CONFIG, PORT + 2, ["--compatibility-date", omniflowCompatibilityDate()]);
  try {
    const created = await createKey(api.d1, "profile", "test");
    await setLimits(api.d1, "profile", { rps: 1_000_000 });
    const json = { "content-type": "application/json" };
    const body = JSON.stringify(SMS);
    const create = await profiled(PORT + 1, async () => {
      const { create } = await sideBySide({
        create: {
          url: `${api.url}/v1/messages`,
          method: "POST",
          headers: { ...json, authorization: `Bearer ${created.key}` },
          body,
          expectStatus: 201,
          cpuSeconds: api.cpuSeconds,
        },
      });
      return create;
    });
    const accept = await profiled(PORT + 3, async () => {
      const { baseline: result } = await sideBySide({
        baseline: { url: baseline.url, method: "POST", headers: json, body, expectStatus: 201, cpuSeconds: baseline.cpuSeconds },
      });
      return result;
    });
    // The profiles cover the warm-up too: divide by every request answered while they ran.
    const answered = (result: LoadResult) => result.requests * (1 + 2 / 15);
    report("Baseline B (1 D1 insert + 1 Queue send)", accept, answered(accept.result));
    report("POST /v1/messages", create, answered(create.result));
  } finally {
    await Promise.all([api.stop(), baseline.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
