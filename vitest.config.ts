import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // Test-only binding: the setup file applies these to the test D1.
          bindings: { TEST_MIGRATIONS: migrations },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // One workerd per test file costs about a second each to spawn and load
      // (the suite took ~60 s on two cores instead of ~13 s). Files can share a
      // worker: every test makes its own account, so no test sees another's
      // rows, and files that mock bindings restore them after each test.
      isolate: false,
    },
  };
});
