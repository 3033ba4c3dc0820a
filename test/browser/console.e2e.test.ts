// The Console in a real browser (Chromium from @sparticuz/chromium, driven by
// puppeteer-core) against the Worker under `wrangler dev`: sign in with the
// printed link, watch a message turn delivered without a reload, read its
// timeline, manage keys and use them, edit a template with its preview, send a
// test message. Every page stays on the Worker's origin and logs no error.
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalConsole, startLocalConsole } from "../../scripts/development/local-console.ts";

let worker: LocalConsole;
let browser: Browser;
let page: Page;
const foreignRequests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  worker = await startLocalConsole(8800 + Math.floor(Math.random() * 100) * 2);
  browser = await puppeteer.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${worker.url}/`) && !url.startsWith("data:")) foreignRequests.push(url);
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

function api(path: string, key: string, init: RequestInit = {}) {
  return fetch(`${worker.url}${path}`, { ...init, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...init.headers } });
}

const text = (selector: string) => page.$eval(selector, (el) => el.textContent ?? "");

describe("the Console in a browser", () => {
  it("signs in with the printed link", async () => {
    await page.goto(await worker.signInLink());
    expect(new URL(page.url()).pathname).toBe("/console");
    expect(await text("h1")).toBe("Overview");
    expect(await text("header.top")).toContain("console-e2e (test)");
  });

  it("shows a message created through the API, and its status turning delivered, without a reload", async () => {
    await page.goto(`${worker.url}/console/messages`);
    // Expressions as strings: they run in the page, not in Node.
    await page.evaluate("window.notReloaded = true");
    const res = await api("/v1/messages", worker.key, {
      method: "POST",
      body: JSON.stringify({ channel: "sms", to: "+14155550123", content: { text: "Hi" } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const cell = `[data-message-id="${id}"]`;
    await page.waitForSelector(cell, { timeout: 15_000 });
    await page.waitForFunction(`document.querySelector('${cell}')?.textContent === "delivered"`, { timeout: 20_000 });
    expect(await page.evaluate("window.notReloaded")).toBe(true);

    await Promise.all([page.waitForNavigation(), page.click(`a[href="/console/messages/${id}"]`)]);
    const timeline = await text("ol.timeline");
    expect(timeline).toMatch(/Provider attempt 1 to sandbox: accepted in \d+ ms/);
    expect(timeline).toContain("Status → sent from sandbox");
    expect(timeline).toContain("Status → delivered from sandbox");
  });

  it("creates a key that works against the API; rolling and revoking make keys fail", async () => {
    await page.goto(`${worker.url}/console/api-keys`);
    await page.type("#key-name", "browser key");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/console/api-keys'] button[type=submit]")]);
    const secret = (await text("#secret-value")).trim();
    expect(secret).toMatch(/^sk_test_v3_[0-9a-f]{80}$/);
    expect((await api("/v1/account", secret)).status).toBe(200);

    const row = `tr[data-key-id]:has(code)`;
    const keyId = await page.$$eval(row, (rows, prefix) => rows.find((r) => r.textContent?.includes(prefix))?.getAttribute("data-key-id"), secret.slice(0, 19));
    expect(keyId).toMatch(/^key_/);
    await page.select(`#overlap-${keyId}`, "0");
    await Promise.all([page.waitForNavigation(), page.click(`form[action='/console/api-keys/${keyId}/roll'] button`)]);
    const rolled = (await text("#secret-value")).trim();
    expect((await api("/v1/account", secret)).status).toBe(401);
    expect((await api("/v1/account", rolled)).status).toBe(200);

    const rolledId = await page.$$eval(
      row,
      (rows, prefix) => rows.find((r) => r.textContent?.includes(prefix))?.getAttribute("data-key-id"),
      rolled.slice(0, 19),
    );
    await Promise.all([page.waitForNavigation(), page.click(`form[action='/console/api-keys/${rolledId}/revoke'] button`)]);
    expect((await api("/v1/account", rolled)).status).toBe(401);
    expect(await text(`tr[data-key-id="${rolledId}"]`)).toContain("revoked");
  });

  it("edits a template and previews it per channel", async () => {
    await page.goto(`${worker.url}/console/templates`);
    await page.type("#t-id", "browser_otp");
    await page.type("#t-sms_text", "Your code is {{code}}");
    await page.type("#t-email_subject", "Code {{code}}");
    await page.type("#t-email_text", "Your code is {{code}}.");
    await page.type("#t-variables", "code=4321");
    await Promise.all([page.waitForNavigation(), page.click("button[value=preview]")]);
    expect(await text("pre[data-preview=sms]")).toBe("Your code is 4321");
    expect(await text("pre[data-preview=email]")).toBe("Subject: Code 4321\n\nYour code is 4321.");
    await Promise.all([page.waitForNavigation(), page.click("button[value=save]")]);
    expect(await text("main")).toContain("Saved template browser_otp");

    await page.goto(`${worker.url}/console/templates/browser_otp`);
    await page.$eval("#t-sms_text", (el) => Object.assign(el, { value: "New code: {{code}} {{" }));
    await page.type("#t-variables", "code=1");
    await Promise.all([page.waitForNavigation(), page.click("button[value=preview]")]);
    expect(await text("[role=alert]")).toContain('Invalid sms[text]: has a "{{" that does not open a {{variable}} placeholder');
    await page.$eval("#t-sms_text", (el) => Object.assign(el, { value: "New code: {{code}}" }));
    await Promise.all([page.waitForNavigation(), page.click("button[value=save]")]);
    const template = (await (await api("/v1/templates/browser_otp", worker.key)).json()) as { sms: { text: string } };
    expect(template.sms.text).toBe("New code: {{code}}");
  });

  it("sends a test message and opens its detail page", async () => {
    await page.goto(`${worker.url}/console/send`);
    await page.$eval("#m-text", (el) => Object.assign(el, { value: "Sent from the browser test" }));
    await Promise.all([page.waitForNavigation(), page.click("form[action='/console/send'] button")]);
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(await text("main")).toContain("Sent from the browser test");
    const message = (await (await api(`/v1/messages/${id}`, worker.key)).json()) as { content: { text: string } };
    expect(message.content.text).toBe("Sent from the browser test");
  });

  it("every page loads only from the Worker and logs no console error", async () => {
    for (const path of ["/console", "/console/messages", "/console/webhooks", "/console/senders", "/docs"]) {
      await page.goto(`${worker.url}${path}`, { waitUntil: "networkidle0" });
    }
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
