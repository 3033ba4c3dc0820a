// metadata's rules (Stripe's): up to 50 keys of 1-40 characters [A-Za-z0-9_-],
// string values up to 500 characters. A refused create stores nothing.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { listMessages, smsBody } from "../support/messages.ts";

const fiftyOneKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
const fiftyKeys = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));

describe("POST /v1/messages metadata errors", () => {
  it.each([
    ["a key of 41 characters", { ["k".repeat(41)]: "v" }, `metadata[${"k".repeat(41)}]`],
    ["a key with a space", { "order id": "v" }, "metadata[order id]"],
    ["a key with a dot", { "order.id": "v" }, "metadata[order.id]"],
    ["a value of 501 characters", { note: "x".repeat(501) }, "metadata[note]"],
    ["an object value", { note: { nested: "x" } }, "metadata[note]"],
    ["a null value", { note: null }, "metadata[note]"],
    ["51 keys", fiftyOneKeys, "metadata"],
    ["an array", ["a"], "metadata"],
    ["a string", "order=A1", "metadata"],
  ])("refuses %s, naming the param, and stores nothing", async (_, metadata, param) => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ metadata }) });
    await expectError(res, 400, { code: "parameter_invalid", param });
    expect((await listMessages(account.key)).data).toEqual([]);
  });

  it("takes exactly 50 keys, a 40-character key and a 500-character value", async () => {
    const account = await createAccount();
    const res = await api("/v1/messages", { key: account.key, json: smsBody({ metadata: fiftyKeys }) });
    expect(res.status).toBe(201);
    const edge = await api("/v1/messages", { key: account.key, json: smsBody({ metadata: { ["k".repeat(40)]: "x".repeat(500) } }) });
    expect(edge.status).toBe(201);
  });
});
