// POST /v1/messages/:id/redact on a `retain` message with a fallback step that
// carries content of its own: the answer is the message as redacted, so no
// step's content shows in it either (as GET shows it afterwards).
import { expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";
import { SECRET } from "./redact.fixture.ts";

it("answers the redacted message without its fallback steps' content", async () => {
  const account = await createAccount();
  const created = await createMessage(account, {
    channel: "WHATSAPP",
    to: "+15005550004",
    content: { text: `Your code is ${SECRET}` },
    fallback: [{ channel: "SMS", content: { text: `Code ${SECRET}` } }],
  });
  await waitForStatus(account, created.id, ["delivered"], 10_000);
  const res = await api(`/v1/messages/${created.id}/redact`, { key: account.key, method: "POST" });
  expect(res.status).toBe(200);
  const answered = await res.json<{ content: unknown; fallback: { content: unknown }[] }>();
  expect(answered.content).toBeNull();
  expect(answered.fallback, "the redact answer").toEqual([expect.objectContaining({ channel: "sms", content: null })]);
  // GET agrees.
  const fetched = await (await api(`/v1/messages/${created.id}`, { key: account.key })).json<{ fallback: { content: unknown }[] }>();
  expect(fetched.fallback, "GET after").toEqual([expect.objectContaining({ channel: "sms", content: null })]);
});
