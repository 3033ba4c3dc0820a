// content.mms_fallback "link": an SMS with images to a number without MMS is
// sent as one SMS whose text carries a link to each image, counted in its
// segments and its price exactly as Twilio gets it (segments checked by
// split-sms, an implementation apart from src/).
import splitter from "split-sms";
import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { setAccountRate } from "../support/rates.ts";
import { bindSender } from "../support/resources.ts";
import { base64, gifBytes, linkedSms, pngBytes, sentBody } from "./attachments.fixture.ts";

let fake: ReturnType<typeof fakeProviders> | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

interface Created {
  id: string;
  segments: number;
  encoding: string;
  price: string | null;
  mms_fallback_applied: boolean | null;
  content: { text: string; mms_fallback?: string; media: { id: string; content_type: string }[] };
}

/** A live account with an SMS sender; `rates` set first (the account's gate reads them once). */
async function liveAccount(rates: [kind: "sms" | "mms", price: string][] = []) {
  fake = fakeProviders();
  const account = await createAccount("live");
  for (const [kind, price] of rates) await setAccountRate(account, kind, "FR", price);
  await bindSender(account, "sms");
  return account;
}

describe("an SMS with images to a French number, with mms_fallback link", () => {
  it("goes as one SMS whose text ends with a link to each image, in order, and each link serves its image to anyone", async () => {
    const account = await liveAccount();
    const [png, gif] = [pngBytes(), gifBytes()];
    const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "Your tickets", [png, gif]) });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await res.json<Created>();
    expect(created.mms_fallback_applied).toBe(true);
    // The object keeps its files and the create's choice.
    expect(created.content.mms_fallback).toBe("link");
    expect(created.content.media.map((file) => file.content_type)).toEqual(["image/png", "image/gif"]);
    await runConsumer([created.id]);
    const form = new URLSearchParams(sentBody(fake!, "twilio.fake"));
    // No MediaUrl: Twilio sends an SMS, not an MMS.
    expect(form.getAll("MediaUrl")).toEqual([]);
    const [text, ...links] = form.get("Body")!.split("\n");
    expect(text).toBe("Your tickets");
    expect(links).toHaveLength(2);
    for (const [i, bytes] of [png, gif].entries()) {
      const url = new URL(links[i]!);
      expect(url.origin).toBe("https://api.omniflow.test");
      expect(url.pathname).toMatch(/^\/m\/[A-Za-z0-9_-]{48}$/);
      const served = await api(url.pathname, { key: null });
      expect(served.status).toBe(200);
      expect(served.headers.get("Content-Type")).toBe(i === 0 ? "image/png" : "image/gif");
      expect(served.headers.get("Content-Disposition")).toMatch(/^inline/);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    }
    const got = await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<Created>();
    expect(got.mms_fallback_applied).toBe(true);
  });

  it.each([
    ["GSM-7", "Your boarding pass for flight BA117 is attached below. Show it at the gate with your passport please; the gate closes 20 min before.", "gsm7"],
    ["UCS-2", "Ваш посадочный талон на рейс BA117", "ucs2"],
  ])("counts the links in the segments the 201 answers (%s): as many as Twilio's Body takes", async (_, text, encoding) => {
    const account = await liveAccount();
    const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", text, [pngBytes()]) });
    const created = await res.json<Created>();
    // The text alone fits in one segment: only its link makes it longer.
    expect(splitter.split(text).parts).toHaveLength(1);
    await runConsumer([created.id]);
    const body = new URLSearchParams(sentBody(fake!, "twilio.fake")).get("Body")!;
    const expected = splitter.split(body);
    expect(expected.parts.length).toBeGreaterThan(1);
    expect(created.segments).toBe(expected.parts.length);
    expect(created.encoding).toBe(encoding);
    expect(expected.characterSet).toBe(encoding === "gsm7" ? "GSM" : "Unicode");
  });

  it("is priced as an SMS by those segments, not as an MMS", async () => {
    const account = await liveAccount([
      ["sms", "0.0400"],
      ["mms", "0.2000"],
    ]);
    const text = "Your boarding pass for flight BA117 is attached below. Show it at the gate with your passport please; the gate closes 20 min before.";
    const created = await (await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", text, [pngBytes()]) })).json<Created>();
    expect(created.segments).toBe(2);
    expect(created.price).toBe("0.0800");
  });
});

it("a preview shows the text with a stand-in of each link's length, and the same segments", async () => {
  const account = await createAccount("test");
  const text = "a".repeat(120);
  const res = await api("/v1/messages/preview", { key: account.key, json: linkedSms("+33612345678", text, [pngBytes()]) });
  expect(res.status).toBe(200);
  const preview = await res.json<{ content: { text: string }; segments: number }>();
  expect(preview.content.text).toBe(`${text}\nhttps://api.omniflow.test/m/${"x".repeat(48)}`);
  expect(preview.segments).toBe(splitter.split(preview.content.text).parts.length);
});

describe("mms_fallback link where MMS goes", () => {
  it("changes nothing for a US number: an MMS with its MediaUrl, the text as Body", async () => {
    const account = await liveAccount();
    const created = await (await api("/v1/messages", { key: account.key, json: linkedSms("+14155550123", "Your tickets", [pngBytes()]) })).json<Created>();
    expect(created.mms_fallback_applied).toBe(false);
    await runConsumer([created.id]);
    const form = new URLSearchParams(sentBody(fake!, "twilio.fake"));
    expect(form.get("Body")).toBe("Your tickets");
    expect(form.getAll("MediaUrl")).toHaveLength(1);
  });

  it("a test key's message is stored and delivered by the sandbox the same way", async () => {
    const account = await createAccount("test");
    const res = await api("/v1/messages", { key: account.key, json: linkedSms("+33612345678", "hi", [pngBytes()]) });
    expect(res.status).toBe(201);
    expect((await res.json<Created>()).mms_fallback_applied).toBe(true);
  });
});

it("a form body says the same in bracket notation", async () => {
  const account = await liveAccount();
  const form = new URLSearchParams({
    channel: "SMS",
    to: "+33612345678",
    "content[text]": "hi",
    "content[mms_fallback]": "link",
    "content[media][0][content_type]": "image/png",
    "content[media][0][content]": base64(pngBytes()),
  });
  const res = await api("/v1/messages", { key: account.key, form: form.toString() });
  expect(res.status, await res.clone().text()).toBe(201);
  expect((await res.json<Created>()).mms_fallback_applied).toBe(true);
});
