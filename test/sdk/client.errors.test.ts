import { describe, expect, it } from "vitest";
import { OmniFlowError } from "../../sdk/src/index.ts";
import { createAccount } from "../support/accounts.ts";
import { clientFor } from "./sdk.fixture.ts";

describe("the SDK against the Worker", () => {
  it("throws OmniFlowError with the error object's fields and the request id", async () => {
    const account = await createAccount();
    const error = await clientFor(account.key)
      .messages.create({ channel: "sms", to: "not-a-number", content: { text: "hi" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OmniFlowError);
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", code: "parameter_invalid", param: "to" });
    expect((error as OmniFlowError).requestId).toMatch(/^req_/);

    const missing = await clientFor(account.key)
      .messages.retrieve("msg_0123456789abcdef0123456789abcdef")
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: "resource_missing", param: "id" });
    const unauthenticated = await clientFor("sk_test_v2_wrong")
      .messages.listPage()
      .catch((e: unknown) => e);
    expect(unauthenticated).toMatchObject({ status: 401, type: "authentication_error" });
  });
});
