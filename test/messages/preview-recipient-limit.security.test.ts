// A preview creates nothing: like the daily cap, the per-recipient limit
// (recipient_limits[per_hour]) does not refuse it, even for a recipient whose
// hour is used up.
import { expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";

it("a preview to a recipient past the per-recipient limit is answered, not refused with 429", async () => {
  const account = await createAccount();
  expect((await api("/v1/account", { key: account.key, json: { recipient_limits: { per_hour: 1 } } })).status).toBe(200);
  expect((await api("/v1/messages", { key: account.key, json: smsBody({ to: "+14155550123" }) })).status).toBe(201);
  const res = await api("/v1/messages/preview", { key: account.key, json: smsBody({ to: "+14155550123" }) });
  expect(res.status).toBe(200);
});
