// The Console, under /console in the same Worker: server-rendered pages, its
// own stylesheet and script, passwordless sign-in. Every response carries the
// security headers; everything but the assets and sign-in needs a session,
// and a session sees only its own account.
import { Hono } from "hono";
import { CONSOLE_CSS, CONSOLE_JS } from "./assets.ts";
import type { ConsoleEnv } from "./context.ts";
import { apiKeysPage, createKey, revokeKey, rollKey } from "./pages/api-keys.ts";
import { batchesPage, batchPage } from "./pages/batches.ts";
import { messageDetailPage, resendWebhook } from "./pages/message-detail.ts";
import { liveMessages, messagesPage } from "./pages/messages.ts";
import { overviewPage } from "./pages/overview.ts";
import { sendTest, sendTestPage } from "./pages/send-test.ts";
import { addSenderForm, deleteSenderForm, sendersPage } from "./pages/senders.ts";
import { deleteTemplateForm, saveTemplateForm, templateEditPage, templatesPage } from "./pages/templates.ts";
import { usageCsv, usagePage } from "./pages/usage.ts";
import { verificationDetailPage, verificationsPage } from "./pages/verifications.ts";
import { addEndpoint, endpointPage, endpointsPage, retryDeliveryForm, rollEndpoint, saveEndpoint, testEndpointForm } from "./pages/webhook-endpoints.ts";
import { rollSecret, webhooksPage } from "./pages/webhooks.ts";
import { securityHeaders } from "./security.ts";
import { requireSession } from "./session.ts";
import { signInRoutes } from "./sign-in.ts";

const asset = (body: string, type: string) => () =>
  new Response(body, { headers: { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" } });

const pages = new Hono<ConsoleEnv>()
  .use(requireSession)
  .get("/", overviewPage)
  .get("/messages", messagesPage)
  // Not under /messages/: a static path beside /messages/:id would put the
  // whole Worker on hono's slower trie router (its RegExpRouter refuses them).
  .get("/statuses", liveMessages)
  .get("/find", (c) => {
    const id = (c.req.query("id") ?? "").trim();
    return c.redirect(/^msg_[0-9a-f]{32}$/.test(id) ? `/console/messages/${id}` : `/console/messages?missing=${encodeURIComponent(id)}`, 303);
  })
  .get("/messages/:id", (c) => messageDetailPage(c))
  .get("/batches", batchesPage)
  .get("/batches/:id", batchPage)
  .post("/messages/:id/webhook/retry", resendWebhook)
  .get("/verifications", verificationsPage)
  .get("/verifications/:id", verificationDetailPage)
  .get("/api-keys", (c) => apiKeysPage(c))
  .post("/api-keys", createKey)
  .post("/api-keys/:id/roll", rollKey)
  .post("/api-keys/:id/revoke", revokeKey)
  .get("/webhooks", (c) => webhooksPage(c))
  .post("/webhooks/roll", rollSecret)
  .get("/webhook-endpoints", (c) => endpointsPage(c))
  .post("/webhook-endpoints", addEndpoint)
  .get("/webhook-endpoints/:id", (c) => endpointPage(c))
  .post("/webhook-endpoints/:id", saveEndpoint)
  .post("/webhook-endpoints/:id/roll", rollEndpoint)
  .post("/webhook-endpoints/:id/test", testEndpointForm)
  .post("/webhook-endpoints/:id/deliveries/:delivery/retry", retryDeliveryForm)
  .get("/templates", (c) => templatesPage(c))
  .post("/templates", saveTemplateForm)
  .get("/templates/:id", templateEditPage)
  .post("/templates/:id", saveTemplateForm)
  .post("/templates/:id/delete", deleteTemplateForm)
  .get("/senders", (c) => sendersPage(c))
  .post("/senders", addSenderForm)
  .post("/senders/:id/delete", deleteSenderForm)
  .get("/send", (c) => sendTestPage(c))
  .post("/send", sendTest)
  .get("/usage", usagePage)
  .get("/usage.csv", usageCsv);

export const consoleApp = new Hono<ConsoleEnv>()
  .get("/assets/console.css", asset(CONSOLE_CSS, "text/css"))
  .get("/assets/console.js", asset(CONSOLE_JS, "text/javascript"))
  .use(securityHeaders)
  .route("/", signInRoutes)
  .route("/", pages)
  .notFound((c) => c.text("Not found", 404));
