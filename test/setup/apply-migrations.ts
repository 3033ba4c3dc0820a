import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { database } from "../../src/db/client.ts";
import { registerShards } from "../../src/db/shard-map.ts";
import { messageShards, shardBinding } from "../../src/db/shards.ts";

// Setup files may run more than once; applyD1Migrations skips applied ones.
// What `npm run db:migrate` does: every database migrated, every shard in the map.
await applyD1Migrations(env.CONTROL_DB, env.TEST_CONTROL_MIGRATIONS);
for (const shard of messageShards(env)) await applyD1Migrations(shardBinding(env, shard), env.TEST_MESSAGE_MIGRATIONS);
await registerShards(database(env.CONTROL_DB), messageShards(env));
