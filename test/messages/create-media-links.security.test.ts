// The links an SMS carries to its files (content.mms_fallback link) need no
// API key: only a link the account's own signing secret signed serves a file,
// for 30 days from the hand-off, and only while the message still refers to
// the file. Tokens here are made as docs/attachments.md describes them, apart
// from src/ (attachments.fixture.ts).
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { flushProjection } from "../support/db.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender } from "../support/resources.ts";
import { linkedSms, mediaLinkToken, pngBytes, sentBody } from "./attachments.fixture.ts";

const DAY_SECONDS = 86_400;

let fake: ReturnType<typeof fakeProviders> | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
  vi.useRealTimers();
});

/** A live SMS with one image sent as a link to a French number, handed to (fake) Twilio: its id and the path of the link its Body carries. */
async function linkedMessage(account?: TestAccount) {
  fake ??= fakeProviders();
  const owner = account ?? (await createAccount("live"));
  await bindSender(owner, "sms");
  const res = await api("/v1/messages", { key: owner.key, json: linkedSms("+33612345678", "Your ticket", [pngBytes()]) });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  const handedOffAt = Math.floor(Date.now() / 1000);
  await runConsumer([id]);
  const link = new URLSearchParams(sentBody(fake, "twilio.fake")).get("Body")!.split("\n")[1]!;
  return { account: owner, id, path: new URL(link).pathname, handedOffAt };
}

async function status(path: string): Promise<number> {
  const res = await api(path, { key: null });
  await res.body?.cancel();
  return res.status;
}

describe("GET /m/:token", () => {
  it("serves a token signed with the account's secret, and not one another account's secret signed, whichever account it claims", async () => {
    const { account, id } = await linkedMessage();
    const other = await createAccount("live");
    const later = Math.floor(Date.now() / 1000) + DAY_SECONDS;
    // Made per the docs with the owner's secret: served (so each refusal below is for the one thing it changes).
    expect(await status(`/m/${await mediaLinkToken(account.webhookSecret, account.id, id, 0, later)}`)).toBe(200);
    expect(await status(`/m/${await mediaLinkToken(other.webhookSecret, other.id, id, 0, later)}`)).toBe(404);
    expect(await status(`/m/${await mediaLinkToken(other.webhookSecret, account.id, id, 0, later)}`)).toBe(404);
    // An index past the message's files, properly signed: nothing.
    expect(await status(`/m/${await mediaLinkToken(account.webhookSecret, account.id, id, 1, later)}`)).toBe(404);
  });

  it("refuses an altered token, and a signed one whose expiry has passed", async () => {
    const { account, id, path } = await linkedMessage();
    expect(await status(path)).toBe(200);
    const last = path.at(-1) === "A" ? "B" : "A";
    expect(await status(`${path.slice(0, -1)}${last}`)).toBe(404);
    expect(await status(`/m/${await mediaLinkToken(account.webhookSecret, account.id, id, 0, Math.floor(Date.now() / 1000) - 1)}`)).toBe(404);
    // Not a link's token at all: a provider URL's, or garbage.
    expect(await status(`/m/${"A".repeat(47)}`)).toBe(404);
    expect(await status("/m/..%2F..%2Fv1%2Faccount")).toBe(404);
  });

  it("expires 30 days after the hand-off: served the minute before, a 404 the second after", async () => {
    const { path, handedOffAt } = await linkedMessage();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((handedOffAt + 30 * DAY_SECONDS - 60) * 1000);
    expect(await status(path)).toBe(200);
    vi.setSystemTime((handedOffAt + 30 * DAY_SECONDS + 2) * 1000);
    expect(await status(path)).toBe(404);
  });

  it("is a 404 once the message is redacted", async () => {
    const { account, id, path } = await linkedMessage();
    expect(await status(path)).toBe(200);
    const stub = messageStatusStub(env, id);
    const attempt = (await stub.events()).find((event) => event.type === "provider.attempt")!;
    await stub.receipt({
      provider: "twilio",
      messageId: id,
      providerMessageId: attempt.data.provider_message_id as string,
      status: "delivered",
      detail: "delivered",
    });
    const redacted = await api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" });
    expect(redacted.status).toBe(200);
    expect(await status(path)).toBe(404);
    // The message object no longer says how its content went (its row once the object's view is on it).
    await flushProjection(id);
    const shown = await (await api(`/v1/messages/${id}`, { key: account.key })).json<{ mms_fallback_applied: boolean | null }>();
    expect(shown.mms_fallback_applied).toBeNull();
  });

  it("a rolled signing secret ends the account's outstanding links once the previous secret's overlap is over", async () => {
    const { account, path, handedOffAt } = await linkedMessage();
    const rolled = await api("/v1/account/webhook_secret/roll", { key: account.key, method: "POST" });
    expect(rolled.status, await rolled.clone().text()).toBe(200);
    const { previous_webhook_signing_secret_expires_at: overlapEnds } = await rolled.json<{ previous_webhook_signing_secret_expires_at: number }>();
    expect(await status(path)).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((overlapEnds + 1) * 1000);
    expect(overlapEnds + 1).toBeLessThan(handedOffAt + 30 * DAY_SECONDS);
    expect(await status(path)).toBe(404);
  });
});
