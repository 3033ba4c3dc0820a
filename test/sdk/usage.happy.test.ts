import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { setAccountRate } from "../support/rates.ts";
import { clientFor } from "./sdk.fixture.ts";

describe("the SDK's prices and usage", () => {
  it("shows a create's estimated price and the period's usage, exact decimals as strings", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const omniflow = clientFor(account.key);
    const message = await omniflow.messages.create({ channel: "sms", to: "+14155550123", content: { text: "a".repeat(161) } });
    expect(message).toMatchObject({ price: "0.0158", price_unit: "USD", price_status: "estimated" });
    expect(await omniflow.usage.list({ group_by: "channel,country" })).toEqual([
      { channel: "sms", country: "US", count: 1, segments: 2, price: "0.0158", price_unit: "USD" },
    ]);
    await expect(omniflow.usage.list({ group_by: "planet" })).rejects.toMatchObject({ status: 400, param: "group_by" });
  });
});
