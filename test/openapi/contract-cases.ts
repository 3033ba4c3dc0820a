// One real request per documented route and status, for the contract test.
// Statuses that follow from what a route is (401, 429 and 500 for
// authenticated routes, 400 and 409 for authenticated POSTs (their
// Idempotency-Key), 413 and 415 for routes with a body) have generic cases;
// every other documented status needs an entry in `contractCases`. The contract test fails
// for a documented status without a case, and for a case the document lacks.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { accounts } from "../../src/db/control-schema.ts";
import { idempotencyKeys } from "../../src/db/message-schema.ts";
import type { messageStatusStub } from "../../src/delivery/message-status.ts";
import { unixSeconds } from "../../src/domain/ids.ts";
import { requestFingerprint } from "../../src/domain/request-fingerprint.ts";
import { maxBodyBytes } from "../../src/http/body.ts";
import { addKey, createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db, homeDb } from "../support/db.ts";
import { fakeDns, fakeReceiver } from "../support/fake-http.ts";
import { handedOff } from "../support/hand-off.ts";
import { smsBody } from "../support/messages.ts";
import { storeMessage } from "../support/queue.ts";
import { addSender, bindSender, createTemplate, freshEmail } from "../support/resources.ts";
import { batchContractCases } from "./batch-cases.ts";
import { mediaContractCases } from "./media-contract-cases.ts";
import type { DocumentedOperation } from "./operations.ts";
import { priceContractCases, spendLimitReached } from "./price.contract-cases.ts";
import { verificationContractCases } from "./verification-cases.ts";
import { webhookEndpointCases } from "./webhook-endpoint-cases.ts";

/** The documented retry schedule (docs/api-guide.md): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

export type ContractCase = (account: TestAccount) => Promise<Response>;

async function createdMessageId(account: TestAccount): Promise<string> {
  const res = await api("/v1/messages", { key: account.key, json: smsBody() });
  return (await res.json<{ id: string }>()).id;
}

/** A live email sender whose address another account proved first. */
async function verifyTakenAddress(): Promise<Response> {
  const address = freshEmail();
  const [first, second] = [await createAccount("live"), await createAccount("live")];
  const claim = await addSender(second, { channel: "email", address });
  await bindSender(first, "email", { address });
  const dns = fakeDns();
  dns.publishTxt(claim.verification!.record_name!, claim.verification!.record_value!);
  try {
    return await api(`/v1/senders/${claim.id}/verify`, { key: second.key, method: "POST" });
  } finally {
    dns.restore();
  }
}

/** A live email sender verified while the DNS resolver answers 502. */
async function verifyWithResolverDown(): Promise<Response> {
  const live = await createAccount("live");
  const claim = await addSender(live, { channel: "email", address: freshEmail() });
  const dns = fakeDns();
  dns.respondWith(() => new Response("bad gateway", { status: 502 }));
  const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    return await api(`/v1/senders/${claim.id}/verify`, { key: live.key, method: "POST" });
  } finally {
    dns.restore();
    warned.mockRestore();
  }
}

async function createdSuppressionId(account: TestAccount): Promise<string> {
  const res = await api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: "+14155550123" } });
  return (await res.json<{ id: string }>()).id;
}

async function createdKeyId(account: TestAccount): Promise<string> {
  const res = await api("/v1/api_keys", { key: account.key, json: { name: "contract" } });
  return (await res.json<{ id: string }>()).id;
}

/** Runs the message's object through every webhook retry, so its callback is abandoned. */
async function abandonWebhooks(stub: ReturnType<typeof messageStatusStub>): Promise<void> {
  let elapsed = 0;
  await runDurableObjectAlarm(stub);
  for (const delay of RETRY_SCHEDULE_SECONDS) {
    elapsed += delay * 1.1 + 1;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + elapsed * 1000 });
    await runDurableObjectAlarm(stub);
    vi.useRealTimers();
  }
}

/** Keyed by "METHOD /path" as the document writes it, then by status. */
export const contractCases: Record<string, Record<number, ContractCase>> = {
  ...mediaContractCases,
  ...priceContractCases,
  ...webhookEndpointCases,
  ...batchContractCases,
  "POST /v1/messages": {
    201: (account) => api("/v1/messages", { key: account.key, json: smsBody() }),
    400: (account) => api("/v1/messages", { key: account.key, json: smsBody({ to: "not-a-number" }) }),
    402: spendLimitReached,
  },
  "POST /v1/messages/preview": {
    200: (account) => api("/v1/messages/preview", { key: account.key, json: smsBody({ max_segments: 1 }) }),
    400: (account) => api("/v1/messages/preview", { key: account.key, json: smsBody({ content: { text: "a".repeat(161) }, max_segments: 1 }) }),
  },
  "GET /v1/messages": {
    // Two messages and a limit of one: a page with a next_cursor.
    200: async (account) => {
      await createdMessageId(account);
      await createdMessageId(account);
      return api("/v1/messages?limit=1", { key: account.key });
    },
    400: (account) => api("/v1/messages?limit=0", { key: account.key }),
  },
  "GET /v1/messages/{id}": {
    200: async (account) => api(`/v1/messages/${await createdMessageId(account)}`, { key: account.key }),
    400: (account) => api(`/v1/messages/msg_${"0".repeat(70)}`, { key: account.key }),
    404: (account) => api("/v1/messages/msg_0123456789abcdef0123456789abcdef", { key: account.key }),
  },
  "GET /v1/messages/{id}/events": {
    200: async (account) => api(`/v1/messages/${await createdMessageId(account)}/events`, { key: account.key }),
    400: (account) => api(`/v1/messages/msg_${"0".repeat(70)}/events`, { key: account.key }),
    404: (account) => api("/v1/messages/msg_0123456789abcdef0123456789abcdef/events", { key: account.key }),
  },
  "POST /v1/templates": {
    201: (account) => api("/v1/templates", { key: account.key, json: { id: "auth_otp", sms: { text: "Code {{code}}" } } }),
    400: (account) => api("/v1/templates", { key: account.key, json: { id: "Not Valid", sms: { text: "x" } } }),
    409: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" } });
      return api("/v1/templates", { key: account.key, json: { id: "auth_otp", sms: { text: "Again {{code}}" } } });
    },
  },
  "GET /v1/templates": {
    200: async (account) => {
      await createTemplate(account, { id: "a_first", sms: { text: "one" } });
      await createTemplate(account, { id: "b_second", sms: { text: "two" } });
      return api("/v1/templates?limit=1", { key: account.key });
    },
    400: (account) => api("/v1/templates?limit=101", { key: account.key }),
  },
  "GET /v1/templates/{id}": {
    200: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" } });
      return api("/v1/templates/auth_otp", { key: account.key });
    },
    400: (account) => api(`/v1/templates/${"a".repeat(65)}`, { key: account.key }),
    404: (account) => api("/v1/templates/missing", { key: account.key }),
  },
  "POST /v1/templates/{id}": {
    200: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" } });
      return api("/v1/templates/auth_otp", { key: account.key, json: { sms: { text: "New code {{code}}" } } });
    },
    400: (account) => api("/v1/templates/auth_otp", { key: account.key, json: { fax: { text: "x" } } }),
    404: (account) => api("/v1/templates/missing", { key: account.key, json: { sms: { text: "x" } } }),
  },
  "POST /v1/templates/{id}/preview": {
    200: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" }, email: { subject: "Code", text: "Code {{code}}" } });
      return api("/v1/templates/auth_otp/preview", { key: account.key, json: { variables: { code: "849201" } } });
    },
    400: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" } });
      return api("/v1/templates/auth_otp/preview", { key: account.key, json: { variables: {} } });
    },
    404: (account) => api("/v1/templates/missing/preview", { key: account.key, json: { variables: {} } }),
  },
  "DELETE /v1/templates/{id}": {
    200: async (account) => {
      await createTemplate(account, { id: "auth_otp", sms: { text: "Code {{code}}" } });
      return api("/v1/templates/auth_otp", { key: account.key, method: "DELETE" });
    },
    400: (account) => api(`/v1/templates/${"a".repeat(65)}`, { key: account.key, method: "DELETE" }),
    404: (account) => api("/v1/templates/missing", { key: account.key, method: "DELETE" }),
  },
  "POST /v1/senders": {
    201: (account) => api("/v1/senders", { key: account.key, json: { channel: "sms", address: "+14155550100" } }),
    400: (account) => api("/v1/senders", { key: account.key, json: { channel: "sms", address: "not a number!" } }),
    409: async (account) => {
      await addSender(account, { channel: "sms", address: "+14155550100" });
      return api("/v1/senders", { key: account.key, json: { channel: "sms", address: "+14155550100" } });
    },
  },
  "GET /v1/senders": {
    200: (account) => api("/v1/senders?limit=1", { key: account.key }),
    400: (account) => api("/v1/senders?limit=0", { key: account.key }),
  },
  "GET /v1/senders/{id}": {
    200: async (account) => api(`/v1/senders/${(await addSender(account, { channel: "sms", address: "+14155550100" })).id}`, { key: account.key }),
    400: (account) => api(`/v1/senders/snd_${"0".repeat(70)}`, { key: account.key }),
    404: (account) => api("/v1/senders/snd_0123456789abcdef0123456789abcdef", { key: account.key }),
  },
  "DELETE /v1/senders/{id}": {
    200: async (account) =>
      api(`/v1/senders/${(await addSender(account, { channel: "sms", address: "+14155550100" })).id}`, { key: account.key, method: "DELETE" }),
    400: (account) => api(`/v1/senders/snd_${"0".repeat(70)}`, { key: account.key, method: "DELETE" }),
    404: (account) => api("/v1/senders/snd_0123456789abcdef0123456789abcdef", { key: account.key, method: "DELETE" }),
  },
  "POST /v1/senders/{id}/verify": {
    // A sandbox sender has nothing to prove: it is returned as it is.
    200: async (account) =>
      api(`/v1/senders/${(await addSender(account, { channel: "sms", address: "+14155550100" })).id}/verify`, { key: account.key, method: "POST" }),
    400: (account) => api("/v1/senders/snd_0123456789abcdef0123456789abcdef/verify", { key: account.key, json: { code: "12" } }),
    404: (account) => api("/v1/senders/snd_0123456789abcdef0123456789abcdef/verify", { key: account.key, method: "POST" }),
    409: verifyTakenAddress,
    503: verifyWithResolverDown,
  },
  "POST /v1/messages/{id}/webhook/retry": {
    200: async (account) => {
      const receiver = fakeReceiver();
      receiver.respondWith(...Array.from({ length: 8 }, () => () => new Response("down", { status: 503 })));
      const { id, stub } = await handedOff("sms", { statusCallback: receiver.url }, account);
      await abandonWebhooks(stub);
      receiver.restore();
      return api(`/v1/messages/${id}/webhook/retry`, { key: account.key, method: "POST" });
    },
    400: async (account) => api(`/v1/messages/${await createdMessageId(account)}/webhook/retry`, { key: account.key, method: "POST" }),
    404: (account) => api("/v1/messages/msg_0123456789abcdef0123456789abcdef/webhook/retry", { key: account.key, method: "POST" }),
  },
  "POST /v1/messages/{id}/cancel": {
    200: async (account) => {
      const res = await api("/v1/messages", { key: account.key, json: smsBody({ send_at: Math.floor(Date.now() / 1000) + 3600 }) });
      return api(`/v1/messages/${(await res.json<{ id: string }>()).id}/cancel`, { key: account.key, method: "POST" });
    },
    404: (account) => api("/v1/messages/msg_0123456789abcdef0123456789abcdef/cancel", { key: account.key, method: "POST" }),
    409: async (account) => api(`/v1/messages/${await createdMessageId(account)}/cancel`, { key: account.key, method: "POST" }),
  },
  "POST /v1/messages/{id}/redact": {
    200: async (account) => api(`/v1/messages/${await storeMessage(account, { status: "delivered" })}/redact`, { key: account.key, method: "POST" }),
    400: (account) => api(`/v1/messages/msg_${"0".repeat(70)}/redact`, { key: account.key, method: "POST" }),
    404: (account) => api("/v1/messages/msg_0123456789abcdef0123456789abcdef/redact", { key: account.key, method: "POST" }),
    // Stored without a job: queued for as long as the test needs.
    409: async (account) => api(`/v1/messages/${await storeMessage(account)}/redact`, { key: account.key, method: "POST" }),
  },
  "GET /v1/geo_permissions": {
    200: (account) => api("/v1/geo_permissions", { key: account.key }),
  },
  "POST /v1/geo_permissions": {
    200: (account) => api("/v1/geo_permissions", { key: account.key, json: { countries: { NG: "allowed" } } }),
    400: (account) => api("/v1/geo_permissions", { key: account.key, json: { countries: { XX: "allowed" } } }),
  },
  "POST /v1/account": {
    200: (account) =>
      api("/v1/account", {
        key: account.key,
        json: { inbound_callback: "https://your-app.com/inbound", recipient_limits: { per_hour: 10 }, retention_days: 30 },
      }),
    400: (account) => api("/v1/account", { key: account.key, json: { retention_days: 401 } }),
  },
  "POST /v1/api_keys": {
    201: (account) => api("/v1/api_keys", { key: account.key, json: { name: "backend" } }),
    400: (account) => api("/v1/api_keys", { key: account.key, json: { name: "" } }),
  },
  "GET /v1/api_keys": {
    200: (account) => api("/v1/api_keys?limit=1", { key: account.key }),
    400: (account) => api("/v1/api_keys?limit=0", { key: account.key }),
  },
  "GET /v1/api_keys/{id}": {
    200: async (account) => api(`/v1/api_keys/${await createdKeyId(account)}`, { key: account.key }),
    400: (account) => api(`/v1/api_keys/key_${"0".repeat(70)}`, { key: account.key }),
    404: (account) => api("/v1/api_keys/key_0123456789abcdef0123456789abcdef", { key: account.key }),
  },
  "DELETE /v1/api_keys/{id}": {
    200: async (account) => api(`/v1/api_keys/${await createdKeyId(account)}`, { key: account.key, method: "DELETE" }),
    400: (account) => api(`/v1/api_keys/key_${"0".repeat(70)}`, { key: account.key, method: "DELETE" }),
    404: (account) => api("/v1/api_keys/key_0123456789abcdef0123456789abcdef", { key: account.key, method: "DELETE" }),
  },
  "POST /v1/api_keys/{id}/roll": {
    200: async (account) => api(`/v1/api_keys/${await createdKeyId(account)}/roll`, { key: account.key, json: { expires_in: 60 } }),
    400: async (account) => api(`/v1/api_keys/${await createdKeyId(account)}/roll`, { key: account.key, json: { expires_in: 86_401 } }),
    404: (account) => api("/v1/api_keys/key_0123456789abcdef0123456789abcdef/roll", { key: account.key, json: {} }),
  },
  "GET /v1/account": {
    200: (account) => api("/v1/account", { key: account.key }),
  },
  "POST /v1/suppressions": {
    201: (account) => api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: "+14155550123" } }),
    200: async (account) => {
      await createdSuppressionId(account);
      return api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: "+14155550123" } });
    },
    400: (account) => api("/v1/suppressions", { key: account.key, json: { channel: "sms", address: "ana@example.com" } }),
  },
  "GET /v1/suppressions": {
    200: async (account) => {
      await createdSuppressionId(account);
      return api("/v1/suppressions?limit=1&reason=manual", { key: account.key });
    },
    400: (account) => api("/v1/suppressions?reason=bounced", { key: account.key }),
  },
  "GET /v1/suppressions/{id}": {
    200: async (account) => api(`/v1/suppressions/${await createdSuppressionId(account)}`, { key: account.key }),
    400: (account) => api(`/v1/suppressions/sup_${"0".repeat(70)}`, { key: account.key }),
    404: (account) => api("/v1/suppressions/sup_0123456789abcdef0123456789abcdef", { key: account.key }),
  },
  "DELETE /v1/suppressions/{id}": {
    200: async (account) => api(`/v1/suppressions/${await createdSuppressionId(account)}`, { key: account.key, method: "DELETE" }),
    400: (account) => api(`/v1/suppressions/sup_${"0".repeat(70)}`, { key: account.key, method: "DELETE" }),
    404: (account) => api("/v1/suppressions/sup_0123456789abcdef0123456789abcdef", { key: account.key, method: "DELETE" }),
  },
  "POST /v1/test_helpers/inbound_messages": {
    201: (account) =>
      api("/v1/test_helpers/inbound_messages", { key: account.key, json: { channel: "sms", from: "+14155550123", to: "+15005550006", text: "Thanks" } }),
    400: (account) => api("/v1/test_helpers/inbound_messages", { key: account.key, json: { channel: "email", from: "a@b.co", to: "c@d.co", text: "x" } }),
  },
  "POST /v1/account/webhook_secret/roll": {
    200: (account) => api("/v1/account/webhook_secret/roll", { key: account.key, method: "POST" }),
    400: (account) => api("/v1/account/webhook_secret/roll", { key: account.key, json: { overlap_hours: 1 } }),
  },
  ...verificationContractCases,
};

/** The path with a sample value in each {param}. */
const samplePath = (path: string) => path.replaceAll(/\{(\w+)\}/g, "sample_$1");

interface GenericCase {
  fits: (route: DocumentedOperation) => boolean;
  run: (route: DocumentedOperation, account: TestAccount) => Promise<Response>;
}

export const genericCases: Record<number, GenericCase> = {
  // A sending_access key, on every route but the create it is for.
  403: {
    fits: (route) => route.authenticated && !(route.method === "POST" && route.path === "/v1/messages"),
    run: async (route, account) => {
      const { key } = await addKey(account.id, account.mode, "sending_access");
      return api(samplePath(route.path), { key, method: route.method });
    },
  },
  401: {
    fits: (route) => route.authenticated,
    run: (route) => api(samplePath(route.path), { key: null, method: route.method }),
  },
  // D1 is down: the API-key lookup fails, which every authenticated route has to survive as a 500.
  500: {
    fits: (route) => route.authenticated,
    run: (route, account) => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      vi.spyOn(env.CONTROL_DB, "prepare").mockImplementation(() => {
        throw new Error("D1_ERROR: simulated outage");
      });
      return api(samplePath(route.path), { key: account.key, method: route.method });
    },
  },
  // One request a second with bursts of two: requests at once are soon refused.
  429: {
    fits: (route) => route.authenticated,
    run: async (route, account) => {
      await db().update(accounts).set({ rateLimitRps: 1 }).where(eq(accounts.id, account.id));
      for (;;) {
        const res = await api(samplePath(route.path), { key: account.key, method: route.method });
        if (res.status === 429) return res;
      }
    },
  },
  400: {
    fits: (route) => route.authenticated && route.method === "POST",
    run: (route, account) => api(samplePath(route.path), { key: account.key, method: "POST", headers: { "Idempotency-Key": "k".repeat(256) } }),
  },
  // A request with this Idempotency-Key is still running: its claim is stored, without a response yet.
  409: {
    fits: (route) => route.authenticated && route.method === "POST",
    run: async (route, account) => {
      const path = samplePath(route.path);
      const body = route.hasBody ? smsBody() : undefined;
      const now = unixSeconds();
      const fingerprint = await requestFingerprint("POST", path, body ?? {});
      await homeDb(account)
        .insert(idempotencyKeys)
        .values({ accountId: account.id, key: "in-flight", fingerprint, lockToken: "running", lockedAt: now, createdAt: now, expiresAt: now + 60 });
      return api(path, { key: account.key, method: "POST", json: body, headers: { "Idempotency-Key": "in-flight" } });
    },
  },
  413: {
    fits: (route) => route.hasBody,
    run: (route, account) => api(samplePath(route.path), { key: account.key, method: route.method, json: { padding: "x".repeat(maxBodyBytes(route.path)) } }),
  },
  415: {
    fits: (route) => route.hasBody,
    run: (route, account) => api(samplePath(route.path), { key: account.key, method: route.method, body: "hello", headers: { "Content-Type": "text/plain" } }),
  },
};
