// Canceling what cannot be canceled: a message past `scheduled` is
// a 409 message_not_cancelable and stays as it was. A cancel landing inside the
// send alarm's wait for the gate: test/delivery/send-alarm.errors.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { getMessage } from "../delivery/delivery-controls.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const cancel = (key: string, id: string) => api(`/v1/messages/${id}/cancel`, { key, method: "POST" });

describe("POST /v1/messages/:id/cancel", () => {
  it("is a 409 message_not_cancelable once the message was handed off, and changes nothing", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, smsBody());
    const delivered = await waitForStatus(account, id, ["delivered"]);
    await expectError(await cancel(account.key, id), 409, { code: "message_not_cancelable", param: "id" });
    expect(await getMessage(account, id)).toEqual(delivered);
  });

  it("is a 404 for another account's scheduled message, which stays scheduled", async () => {
    const [owner, other] = [await createAccount(), await createAccount()];
    const { id } = await createMessage(owner, smsBody({ send_at: Math.floor(Date.now() / 1000) + 600 }));
    await expectError(await cancel(other.key, id), 404, { code: "resource_missing" });
    expect(await getMessage(owner, id)).toMatchObject({ status: "scheduled" });
  });
});
