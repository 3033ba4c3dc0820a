// npm run db:migrate [-- --remote]: applies the migrations of every D1
// database wrangler.toml declares (the control database's, and the messages'
// to each message database) and registers the message databases in the shard map.
import { parseArgs } from "node:util";
import { applyMigrations } from "../lib/apply-migrations.ts";

const { values } = parseArgs({ options: { remote: { type: "boolean", default: false } } });
applyMigrations({ remote: values.remote });
