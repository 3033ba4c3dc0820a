// A fallback step flagged suppressed at create is skipped at its turn
// (recipient_suppressed). The skip is our own decision, not a provider's
// opt-out report: it must not write a suppression of its own. When the
// customer lifted the suppression between the create and the step's turn,
// the skip re-created it (reason opt_out, naming this message).
import { afterEach, expect, it, vi } from "vitest";
import { afterSeconds, emailStep, handOffs, shownMessage, storedWithControls } from "../delivery/delivery-controls.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

it("a skipped suppressed step does not suppress its recipient again once the suppression was lifted", async () => {
  fakeProviders();
  const account = await createAccount("live");
  // The email step's recipient was suppressed at create; the suppression was lifted since (the list is empty now).
  const { id, stub } = await storedWithControls(account, { fallback: [{ ...emailStep, suppressed: true }] });
  await runConsumer([id]);
  const [sms] = await handOffs(stub);
  expect(
    await stub.receipt({
      provider: "twilio",
      messageId: id,
      providerMessageId: String(sms!.provider_message_id),
      status: "undelivered",
      detail: "undelivered",
    }),
  ).toBe("applied");
  expect(await afterSeconds(stub, 1)).toBe(true); // the email step's turn: skipped
  await shownMessage(account, id).toMatchObject({ status: "failed", error: expect.objectContaining({ code: "recipient_suppressed" }) });
  const list = await (await api("/v1/suppressions", { key: account.key })).json<{ data: unknown[] }>();
  expect(list.data).toEqual([]);
});
