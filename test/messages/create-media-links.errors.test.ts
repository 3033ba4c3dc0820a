// content.mms_fallback link refused where it cannot keep its promise: the
// links past max_segments, content_retention discard (the files would go
// before the recipient opens them), a deployment with no public origin to
// link from. Nothing is stored for a refused create.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findAccount } from "../../src/db/accounts.ts";
import { createMessageSchema } from "../../src/domain/message.ts";
import { workerControl } from "../../src/services/control.ts";
import { prepareMessage } from "../../src/services/messages.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { db, messageCount } from "../support/db.ts";
import { linkedSms, pngBytes, storedObjects } from "./attachments.fixture.ts";

describe("POST /v1/messages with content[mms_fallback] link", () => {
  it("counts the links against max_segments: a text of one segment whose link makes two is a 400 max_segments_exceeded", async () => {
    const account = await createAccount("test");
    // 120 GSM-7 characters, then a line break and a 76-character link: 197, two segments.
    const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "a".repeat(120), [pngBytes()], { max_segments: 1 }) });
    await expectError(res, 400, { code: "max_segments_exceeded", param: "content" });
    expect(await messageCount(account.id)).toBe(0);
    // The same to a US number is an MMS, whose text alone is sized: one segment.
    const mms = await api("/v1/messages", { key: account.key, json: linkedSms("+14155550123", "a".repeat(120), [pngBytes()], { max_segments: 1 }) });
    expect(mms.status).toBe(201);
  });

  it("refuses a text that its links make longer than an SMS may be (1,600 characters), naming content[text]", async () => {
    const account = await createAccount("test");
    // 1,500 characters and two lines of 77 (a line break and a 76-character link): 1,654.
    const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "a".repeat(1500), [pngBytes(), pngBytes()]) });
    const error = await expectError(res, 400, { code: "parameter_invalid", param: "content[text]" });
    expect(error.message).toContain("1654");
    expect(await messageCount(account.id)).toBe(0);
    // One link fewer fits: 1,577.
    const one = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "a".repeat(1500), [pngBytes()]) });
    expect(one.status).toBe(201);
  });

  it("refuses content_retention discard, naming it, and stores no message and no file", async () => {
    const account = await createAccount("test");
    const res = await api("/v1/messages", {
      key: account.key,
      json: linkedSms("+33612345678", "Your ticket", [pngBytes()], { content_retention: "discard" }),
    });
    const error = await expectError(res, 400, { code: "parameter_invalid", param: "content_retention" });
    expect(error.message).toMatch(/mms_fallback/);
    expect(await messageCount(account.id)).toBe(0);
    expect(await storedObjects(account.id)).toEqual([]);
  });

  it("accepts discard where MMS goes (a US number): nothing is linked", async () => {
    const account = await createAccount("test");
    const res = await api("/v1/messages", {
      key: account.key,
      json: linkedSms("+14155550123", "Your ticket", [pngBytes()], { content_retention: "discard" }),
    });
    expect(res.status).toBe(201);
  });

  it("is refused on a deployment without PUBLIC_BASE_URL, naming content[mms_fallback]: there is no origin to link from", async () => {
    const account = await createAccount("test");
    const input = createMessageSchema.parse(linkedSms("+33612345678", "Your ticket", [pngBytes()]));
    const stored = await findAccount(db(), account.id);
    // A deployment for test keys only: no public origin, and so (src/config.ts) no Twilio credentials either.
    const deployment = { ...env, PUBLIC_BASE_URL: "", TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" };
    const prepared = await prepareMessage(deployment, workerControl(env), stored!, input);
    expect(prepared).toMatchObject({ ok: false, problem: { param: "content[mms_fallback]", code: "media_links_unavailable" } });
  });

  it("without it, a number outside the US and Canada is still a 400 mms_not_supported naming to", async () => {
    const account = await createAccount("test");
    const { content } = linkedSms("+33612345678", "hi", [pngBytes()]);
    const res = await api("/v1/messages", { key: account.key, json: { channel: "SMS", to: "+33612345678", content: { ...content, mms_fallback: undefined } } });
    await expectError(res, 400, { code: "mms_not_supported", param: "to" });
  });
});
