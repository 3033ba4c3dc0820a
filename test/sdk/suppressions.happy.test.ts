import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { clientFor } from "./sdk.fixture.ts";

describe("the SDK's suppressions and test helpers", () => {
  it("a simulated STOP suppresses, the create is refused, and deleting the suppression lets it through", async () => {
    const omniflow = clientFor((await createAccount()).key);
    const reply = await omniflow.testHelpers.simulateInbound({ channel: "SMS", from: "+14155550123", to: "+15005550006", text: "STOP" });
    expect(reply).toMatchObject({ direction: "inbound", status: "received" });
    const [suppression] = (await omniflow.suppressions.listPage({ reason: "opt_out" })).data;
    expect(suppression).toMatchObject({ address: "+14155550123", source_message_id: reply.id });
    expect(await omniflow.suppressions.retrieve(suppression!.id)).toEqual(suppression);
    await expect(omniflow.messages.create({ channel: "sms", to: "+14155550123", content: { text: "hi" } })).rejects.toMatchObject({
      status: 400,
      code: "recipient_suppressed",
      param: "to",
    });
    await omniflow.suppressions.delete(suppression!.id);
    expect((await omniflow.messages.create({ channel: "sms", to: "+14155550123", content: { text: "hi" } })).status).toBe("queued");
    expect(await omniflow.suppressions.create({ channel: "email", address: "Ana@Example.com" })).toMatchObject({
      address: "ana@example.com",
      reason: "manual",
    });
  });
});
