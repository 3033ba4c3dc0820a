// npm run openapi: writes the OpenAPI document to openapi.json, then the
// SDK's types from it. The document is fetched from the Worker itself,
// started by wrangler (no port, nothing persisted), so it is exactly what
// GET /v1/openapi.json serves.
// npm run openapi:check: fails instead when openapi.json is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { unstable_startWorker } from "wrangler";
import { OPENAPI_PATH } from "../../src/http/openapi-paths.ts";

const FILE = "openapi.json";
const check = process.argv.includes("--check");

// The Worker needs no Request.cf data; don't try to download it.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

async function servedDocument(): Promise<string> {
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    dev: { server: { port: 0 }, inspector: false, persist: false, logLevel: "error" },
  });
  try {
    const response = await worker.fetch(`http://localhost${OPENAPI_PATH}`);
    if (!response.ok) throw new Error(`GET ${OPENAPI_PATH} answered ${response.status}: ${await response.text()}`);
    return `${JSON.stringify(await response.json(), null, 2)}\n`;
  } finally {
    await worker.dispose();
  }
}

const document = await servedDocument();
if (check) {
  let written = "";
  try {
    written = readFileSync(FILE, "utf8");
  } catch {
    // A missing file is out of date like any other.
  }
  if (written !== document) {
    console.error(`${FILE} is out of date with the routes: run \`npm run openapi\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${FILE} is up to date.`);
} else {
  writeFileSync(FILE, document);
  console.log(`Wrote ${FILE}.`);
}
