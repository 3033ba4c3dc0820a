// recipient_limits[per_hour] counts a recipient, not a spelling of it: an
// email address differing only in letter case is the same mailbox (and the
// same entry on the suppression list), so it shares the count.
import { expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";

it("counts an email address in any letter case as one recipient", async () => {
  const account = await createAccount();
  expect((await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 1 } } })).status).toBe(200);
  const email = (to: string) => ({ channel: "EMAIL", to, content: { subject: "Hi", text: "Hello" } });
  expect((await api("/v1/messages", { key: account.key, json: email("ana@example.com") })).status).toBe(201);
  const res = await api("/v1/messages", { key: account.key, json: email("Ana@Example.com") });
  await expectError(res, 429, { type: "rate_limit_error", code: "recipient_rate_limited" });
});
