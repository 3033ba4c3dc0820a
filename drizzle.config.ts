// Two schemas, two migration histories: `npm run db:generate` runs drizzle-kit
// once per database kind (DRIZZLE_DB=control|messages).
import { defineConfig } from "drizzle-kit";

const kinds = {
  control: { schema: "./src/db/control-schema.ts", out: "./migrations/control" },
  messages: { schema: "./src/db/message-schema.ts", out: "./migrations/messages" },
} as const;

const kind = process.env.DRIZZLE_DB;
if (kind !== "control" && kind !== "messages") throw new Error("DRIZZLE_DB must be control or messages (npm run db:generate runs both)");

export default defineConfig({ dialect: "sqlite", ...kinds[kind] });
