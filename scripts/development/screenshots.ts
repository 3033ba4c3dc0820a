// npm run screenshots: starts the Worker under wrangler dev with a fresh
// state, sends a few test messages (some that the sandbox fails), and saves
// screenshots of the Console's Overview, Messages and Message detail pages to
// docs/, so docs/console.md's pictures show the Console as it is.
import { mkdirSync } from "node:fs";
import path from "node:path";
import chromium from "@sparticuz/chromium";
import puppeteer from "puppeteer-core";
import { startLocalConsole } from "./local-console.ts";

const DOCS = path.resolve(import.meta.dirname, "../../docs");

const MESSAGES = [
  { channel: "sms", to: "+14155550123", content: { text: "Your code is 849201" } },
  { channel: "whatsapp", to: "+919876543210", content: { text: "Your order has shipped" } },
  { channel: "email", to: "ana@example.com", content: { subject: "Welcome", text: "Welcome to Acme!" } },
  { channel: "sms", to: "+15005550002", content: { text: "This one the carrier rejects (sandbox)" } },
  { channel: "email", to: "bounce@example.com", content: { subject: "Receipt", text: "This one bounces (sandbox)" } },
  { channel: "sms", to: "+447911123456", content: { text: "Your table is ready" } },
];

const worker = await startLocalConsole(8900, "acme");
try {
  let firstId = "";
  for (const body of MESSAGES) {
    const res = await fetch(`${worker.url}/v1/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${worker.key}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`creating a message answered ${res.status}: ${await res.text()}`);
    firstId ||= ((await res.json()) as { id: string }).id;
  }
  // The sandbox reports a second after the hand-off.
  await new Promise((resolve) => setTimeout(resolve, 4000));

  const browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(await worker.signInLink());
  mkdirSync(DOCS, { recursive: true });
  for (const [name, pathname] of [
    ["console-overview", "/console"],
    ["console-messages", "/console/messages"],
    ["console-message-detail", `/console/messages/${firstId}`],
  ] as const) {
    await page.goto(`${worker.url}${pathname}`, { waitUntil: "networkidle0" });
    const file = path.join(DOCS, `${name}.png`);
    await page.screenshot({ path: file as `${string}.png`, fullPage: true });
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  }
  await browser.close();
} finally {
  await worker.stop();
}
