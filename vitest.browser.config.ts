// The browser tests (test/browser/): Node, not workerd, since they start the
// Worker under `wrangler dev` and drive Chromium against it. Run by `npm test`
// after the workerd suite.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
