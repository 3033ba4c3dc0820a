import { describe, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

describe("GET /v1/senders with a bad cursor", () => {
  it("refuses a cursor that is not a sender's with a 400 naming cursor", async () => {
    const account = await createAccount();
    await expectError(await api("/v1/senders?cursor=bm9wZQ", { key: account.key }), 400, { param: "cursor" });
  });
});
