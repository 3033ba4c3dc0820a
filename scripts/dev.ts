// npm run dev [-- --port N]: applies the local D1 migrations, makes sure the
// local test-mode account "dev" has a working key, prints it, then runs
// `wrangler dev`. The key is kept in .wrangler/ (git-ignored) so restarts
// print the same one.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type CreatedKey, createKey, keyIsActive } from "./accounts.ts";
import { applyMigrations } from "./d1.ts";

const LOCAL = { remote: false };
const SAVED_KEY = ".wrangler/omniflow-dev-key.json";

async function devKey(): Promise<CreatedKey> {
  if (existsSync(SAVED_KEY)) {
    const saved = JSON.parse(readFileSync(SAVED_KEY, "utf8")) as CreatedKey;
    if (await keyIsActive(LOCAL, saved.key)) return saved;
  }
  const created = await createKey(LOCAL, "dev", "test");
  mkdirSync(".wrangler", { recursive: true });
  writeFileSync(SAVED_KEY, JSON.stringify(created, null, 2));
  return created;
}

applyMigrations(LOCAL);
const dev = await devKey();
const args = process.argv.slice(2);
const portIndex = args.indexOf("--port");
const port = portIndex >= 0 ? args[portIndex + 1] : "8787";

console.log(`
  OmniFlow local API   http://localhost:${port}
  Test API key         ${dev.key}
  Webhook secret       ${dev.webhook_secret}

  Try it:
    curl http://localhost:${port}/v1/messages -u ${dev.key}: \\
      -H "Content-Type: application/json" \\
      -d '{"channel":"SMS","to":"+14155550123","content":{"text":"Hello from OmniFlow"}}'
`);

const wrangler = spawn("wrangler", ["dev", "--port", port, ...args.filter((_, i) => i !== portIndex && i !== portIndex + 1)], {
  stdio: "inherit",
});
wrangler.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
