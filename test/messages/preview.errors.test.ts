// A preview refuses what the create refuses, with the same status, code and
// param, and stores nothing either way.
import { describe, expect, it } from "vitest";
import { createAccount, seedExample } from "../support/accounts.ts";
import { api, type ErrorObject, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";
import { expectNothingStored } from "../support/state.ts";

const otp = (variables: Record<string, unknown>) => ({ template_id: "auth_otp", variables });

describe("POST /v1/messages/preview: the create's errors", () => {
  it.each([
    ["a recipient that is not a number", smsBody({ to: "not-a-number" }), "to"],
    ["an unknown field", smsBody({ priority: "high" }), "priority"],
    ["an unknown content field", smsBody({ content: { text: "hi", foo: 1 } }), "content[foo]"],
    ["an SMS text over 1,600 characters", smsBody({ content: { text: "a".repeat(1601) } }), "content[text]"],
    ["a template that does not exist", smsBody({ content: { template_id: "nope", variables: {} } }), "content[template_id]"],
    ["a missing template variable", smsBody({ content: otp({}) }), "content[variables][code]"],
    ["a variable no body uses", smsBody({ content: otp({ code: "1", extra: "2" }) }), "content[variables][extra]"],
    ["a text longer than max_segments", smsBody({ content: { text: "a".repeat(161) }, max_segments: 1 }), "content"],
    ["a max_segments out of range", smsBody({ max_segments: 11 }), "max_segments"],
    ["a private status_callback", smsBody({ status_callback: "http://10.0.0.1/hook" }), "status_callback"],
  ])("refuses %s as the create does", async (_case, body, param) => {
    const account = await createAccount();
    await seedExample(account);
    const previewed = await expectNothingStored(account, async () => {
      const res = await api("/v1/messages/preview", { key: account.key, json: body });
      return expectError(res, 400, { param });
    });
    const created = await expectNothingStored(account, async () => expectError(await api("/v1/messages", { key: account.key, json: body }), 400, { param }));
    expect(previewed).toEqual(created);
  });

  it("refuses a channel with no default sender as the create does (no_default_sender)", async () => {
    const account = await createAccount();
    const senders = await api("/v1/senders?limit=10", { key: account.key });
    for (const sender of (await senders.json<{ data: { id: string; channel: string }[] }>()).data) {
      if (sender.channel === "sms") await api(`/v1/senders/${sender.id}`, { key: account.key, method: "DELETE" });
    }
    const errorOf = async (path: string): Promise<ErrorObject> => expectError(await api(path, { key: account.key, json: smsBody() }), 400, {});
    const previewed = await errorOf("/v1/messages/preview");
    expect(previewed).toMatchObject({ code: "no_default_sender", param: "from" });
    expect(previewed).toEqual(await errorOf("/v1/messages"));
  });

  it("refuses a live key's from that is not one of the account's proven senders, as the create does", async () => {
    const account = await createAccount("live");
    await bindSender(account, "sms");
    const body = smsBody({ from: "+14155550177" });
    const previewed = await expectNothingStored(account, async () =>
      expectError(await api("/v1/messages/preview", { key: account.key, json: body }), 400, { code: "resource_missing", param: "from" }),
    );
    expect(previewed).toEqual(await expectError(await api("/v1/messages", { key: account.key, json: body }), 400, {}));
  });

  it("refuses a malformed body and a missing key as any POST does", async () => {
    const account = await createAccount();
    await expectError(await api("/v1/messages/preview", { key: account.key, body: "{", headers: { "Content-Type": "application/json" } }), 400, {
      code: "invalid_json",
    });
    await expectError(await api("/v1/messages/preview", { key: null, json: smsBody() }), 401, { type: "authentication_error" });
  });

  it("answers another method on the path as the route it is not", async () => {
    const account = await createAccount();
    // GET names a message id, and "preview" is none.
    await expectError(await api("/v1/messages/preview", { key: account.key }), 404, { code: "resource_missing" });
  });
});
