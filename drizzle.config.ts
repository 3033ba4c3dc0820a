// Two schemas, two migration histories: `npm run db:generate` runs drizzle-kit
// once per database kind (DRIZZLE_DB=control|messages).
import { type Config, defineConfig } from "drizzle-kit";

const kinds: Record<string, Pick<Config, "schema" | "out">> = {
  control: {
    schema: ["./src/db/control-schema.ts", "./src/db/shard-schema.ts", "./src/db/webhook-endpoint-schema.ts", "./src/db/archive-schema.ts"],
    out: "./migrations/control",
  },
  messages: { schema: ["./src/db/message-schema.ts", "./src/db/media-schema.ts"], out: "./migrations/messages" },
};

const kind = kinds[process.env.DRIZZLE_DB ?? ""];
if (!kind) throw new Error("DRIZZLE_DB must be control or messages (npm run db:generate runs both)");

export default defineConfig({ dialect: "sqlite", ...kind });
