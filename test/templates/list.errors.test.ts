import { describe, it } from "vitest";
import { encodeCursor } from "../../src/domain/cursor.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("GET /v1/templates with a bad cursor", () => {
  it.each([
    ["garbage", "not-a-cursor"],
    ["an id that is not a template id", encodeCursor({ id: "Auth OTP", dir: "next" })],
  ])("refuses %s with a 400 naming cursor", async (_, cursor) => {
    const account = await createAccount();
    await expectError(await api(`/v1/templates?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
  });

  it("is refused by the messages and senders lists when it is a template cursor", async () => {
    const account = await createAccount();
    const cursor = encodeCursor({ id: "auth_otp", dir: "next" });
    await expectError(await api(`/v1/messages?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
    await expectError(await api(`/v1/senders?cursor=${cursor}`, { key: account.key }), 400, { param: "cursor" });
  });
});
