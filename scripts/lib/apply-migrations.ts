// `npm run db:migrate` and the scripts that start a local Worker: every D1
// database of a wrangler config migrated, and its message databases in the
// shard map. Apart from scripts/lib/d1.ts because it loads wrangler's config
// reader, which the light scripts (and the tests that import them) need not.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { CONTROL, type D1Target, executeSql, targetArgs } from "./d1.ts";

const SHARD_BINDING = /^MESSAGES_DB_(\d+)$/;

/** Every D1 binding of the target's wrangler config, in its order. */
function d1Bindings(target: D1Target): string[] {
  const config = unstable_readConfig({ config: target.config ?? path.resolve(import.meta.dirname, "../..", "wrangler.toml") });
  return config.d1_databases.map((db: { binding: string }) => db.binding);
}

/** The message databases (shards) of the target's wrangler config. */
function shardBindings(target: D1Target): { shard: number; binding: string }[] {
  return d1Bindings(target).flatMap((binding) => {
    const match = SHARD_BINDING.exec(binding);
    return match ? [{ shard: Number(match[1]), binding }] : [];
  });
}

/**
 * Applies the migrations of every database the config declares (the control
 * database's and, to each message database, the messages'), then registers
 * every message database in the shard map: `npm run db:migrate`.
 */
export function applyMigrations(target: D1Target, { quiet = false } = {}): void {
  const bindings = d1Bindings(target);
  for (const binding of bindings) {
    execFileSync("wrangler", ["d1", "migrations", "apply", binding, ...targetArgs(target)], {
      stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
      env: { ...process.env, CI: "true" },
    });
  }
  const shards = shardBindings(target);
  if (bindings.includes(CONTROL) && shards.length > 0) {
    executeSql({ ...target, binding: CONTROL }, `INSERT OR IGNORE INTO message_shards (shard) VALUES ${shards.map(({ shard }) => `(${shard})`).join(", ")}`);
  }
}
