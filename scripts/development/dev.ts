// npm run dev [-- --port N]: applies the local D1 migrations, makes sure the
// local test-mode account "dev" has a working key and the API reference's
// example (template auth_otp, sender omni_verify), prints the key, then runs
// `wrangler dev`, and the every-minute maintenance on its schedule as
// production does (wrangler dev fires no cron: scripts/development/local-cron.ts). The
// key is kept in .wrangler/ (git-ignored) so restarts print the same one.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { senders, templates } from "../../src/db/control-schema.ts";
import { exampleSenders, exampleTemplate, sandboxSenders } from "../../src/domain/sandbox.ts";
import { type CreatedKey, consoleLink, createKey, keyIsActive } from "../lib/accounts.ts";
import { applyMigrations } from "../lib/apply-migrations.ts";
import { executeSql, insertOrIgnore, quote } from "../lib/d1.ts";
import { runCronsEveryMinute } from "./local-cron.ts";

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

/**
 * Adds whatever of the example is missing (an edited template is left as it
 * is), and a sandbox sender on any channel the account has none on (so a
 * database from before senders existed works too).
 */
function seedExample(accountId: string): void {
  const noSenderOn = (channel: string) => `WHERE NOT EXISTS (SELECT 1 FROM senders WHERE account_id = ${quote(accountId)} AND channel = ${quote(channel)})`;
  const statements = [
    ...sandboxSenders(accountId).map((row) => `${insertOrIgnore(senders, row)} ${noSenderOn(row.channel)}`),
    insertOrIgnore(templates, exampleTemplate(accountId)),
    ...exampleSenders(accountId).map((row) => insertOrIgnore(senders, row)),
  ];
  executeSql(LOCAL, statements.join(";\n"));
}

applyMigrations(LOCAL);
const dev = await devKey();
seedExample(dev.account_id);
const args = process.argv.slice(2);
const portIndex = args.indexOf("--port");
const port = portIndex >= 0 ? args[portIndex + 1] : "8787";
const signInLink = await consoleLink(LOCAL, "dev", "dev@localhost", `http://localhost:${port}`);

console.log(`
  OmniFlow local API   http://localhost:${port}
  Test API key         ${dev.key}
  Webhook secret       ${dev.webhook_secret}
  Maintenance          every minute, as the Cron Trigger runs it in production
  Console              ${signInLink}
                       (one click signs you in; works once, for 15 minutes:
                        npm run keys -- console-link --account dev for another)

  Try it (the API reference's example; template auth_otp and sender omni_verify are set up):
    curl http://localhost:${port}/v1/messages -u ${dev.key}: \\
      -H "Content-Type: application/json" \\
      -d '{"channel":"WHATSAPP","to":"+919876543210","from":"omni_verify","content":{"template_id":"auth_otp","variables":{"code":"849201"}}}'

  Or without from, to see the sender your default pool picks:
    curl http://localhost:${port}/v1/messages -u ${dev.key}: \\
      -H "Content-Type: application/json" \\
      -d '{"channel":"SMS","to":"+14155550123","content":{"text":"Hello from OmniFlow"}}'
`);

const wrangler = spawn("wrangler", ["dev", "--port", port, ...args.filter((_, i) => i !== portIndex && i !== portIndex + 1)], {
  stdio: "inherit",
});
runCronsEveryMinute(`http://localhost:${port}`);
wrangler.on("exit", (code) => process.exit(code ?? 0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
