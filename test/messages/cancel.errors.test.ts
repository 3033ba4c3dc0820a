// Canceling what cannot be canceled (issue 15): a message past `scheduled` is
// a 409 message_not_cancelable and stays as it was; a cancel that races the
// send alarm has exactly one outcome and one callback.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { messageStatusStub } from "../../src/delivery/message-status.ts";
import { afterSeconds, callbacks, getMessage, handOffs } from "../delivery/delivery-controls.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { eventually, waitForStatus } from "../support/wait.ts";

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

  it("racing the send alarm, has exactly one outcome and one callback for it", async () => {
    for (let round = 0; round < 3; round++) {
      const receiver = fakeReceiver();
      const account = await createAccount();
      const { id } = await createMessage(account, smsBody({ send_at: Math.floor(Date.now() / 1000) + 60, status_callback: receiver.url }));
      const stub = messageStatusStub(env, id);
      const [res] = await Promise.all([cancel(account.key, id), afterSeconds(stub, 61)]);
      if (res.status === 200) {
        expect(await getMessage(account, id)).toMatchObject({ status: "canceled" });
        expect(await handOffs(stub)).toEqual([]);
        expect(callbacks(receiver).map((event) => event.type)).toEqual(["message.canceled"]);
      } else {
        await expectError(res, 409, { code: "message_not_cancelable" });
        await eventually(() => receiver.requests.length >= 1);
        expect(callbacks(receiver)[0]!.type).toBe("message.sent");
        expect(await handOffs(stub)).toHaveLength(1);
        expect(callbacks(receiver).map((event) => event.type)).not.toContain("message.canceled");
      }
      receiver.restore();
    }
  });
});
