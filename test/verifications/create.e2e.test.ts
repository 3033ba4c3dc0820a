// The "Done when", through the real Queue, message objects, sandbox and alarms.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { eventually } from "../support/wait.ts";
import { testCode, type VerificationBody } from "./verifications.fixture.ts";

/** How long the sandbox's failure and its fallback may take through the real pipeline, with the suite running. */
const BOUND_MS = 15_000;

describe("a verification over WhatsApp then SMS (sandbox)", () => {
  it("fails on WhatsApp for +15005550004, delivers the same code by SMS, approves it once", async () => {
    const account = await createAccount();
    const created = await api("/v1/verifications", { key: account.key, json: { to: "+15005550004", channels: ["WHATSAPP", "SMS"], app_name: "Acme" } });
    expect(created.status).toBe(201);
    const verification = await created.json<VerificationBody>();
    expect(verification).toMatchObject({ object: "verification", status: "pending", channels: ["whatsapp", "sms"], check_attempts_remaining: 5 });
    expect(verification.id).toMatch(/^vrf_[0-9a-f]{32}$/);

    const settled = await eventually(async () => {
      const now = await (await api(`/v1/verifications/${verification.id}`, { key: account.key })).json<VerificationBody>();
      return now.attempts.some((attempt) => attempt.channel === "sms" && attempt.status === "delivered") && now;
    }, BOUND_MS);
    expect(settled.attempts.map(({ channel, status }) => ({ channel, status }))).toEqual([
      { channel: "whatsapp", status: "failed" },
      { channel: "sms", status: "delivered" },
    ]);
    expect(settled.channel).toBe("sms");

    const code = await testCode(account, verification.id);
    const approved = await api(`/v1/verifications/${verification.id}/check`, { key: account.key, json: { code } });
    expect(await approved.json()).toMatchObject({ status: "approved", valid: true });
    const again = await api(`/v1/verifications/${verification.id}/check`, { key: account.key, json: { code } });
    const error = await expectError(again, 409, { code: "verification_not_pending", param: "id" });
    expect(error.message).toContain("approved");
  });
});
