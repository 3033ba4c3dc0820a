// status_callback webhooks: what arrives, signed how, in which order, and how
// failures are retried. A receiver verifies every request with the
// `standardwebhooks` package, as a customer's server would.
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { sentLiveMessage, webhookAttempts } from "./webhooks.fixture.ts";

let receiver: ReturnType<typeof fakeReceiver>;
afterEach(() => {
  receiver.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("status callbacks", () => {
  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    receiver = fakeReceiver();
    receiver.respondWith(() => new Response(null, { status: 302, headers: { Location: "http://169.254.169.254/latest/meta-data/" } }));
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    expect(await webhookAttempts(stub)).toEqual([
      expect.objectContaining({ outcome: "retry_scheduled", http_status: 302, error: "redirects are not followed" }),
    ]);
    expect(receiver.requests).toHaveLength(1);
  });

  it("reads at most 64 KiB of a receiver's answer", async () => {
    receiver = fakeReceiver();
    let pulled = 0;
    receiver.respondWith(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled += 16 * 1024;
              controller.enqueue(new Uint8Array(16 * 1024));
            },
          }),
        ),
    );
    const { stub } = await sentLiveMessage(receiver.url);
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    expect((await webhookAttempts(stub))[0]).toMatchObject({ outcome: "delivered" });
    expect(pulled).toBeLessThanOrEqual(128 * 1024);
  });

  it("refuses at delivery a callback URL that is no longer acceptable, without calling it", async () => {
    receiver = fakeReceiver();
    const { stub } = await sentLiveMessage("https://10.0.0.8/hooks");
    await eventually(async () => (await webhookAttempts(stub)).length === 1);
    expect((await webhookAttempts(stub))[0]).toMatchObject({ outcome: "abandoned", error: expect.stringContaining("status_callback refused") });
    expect(receiver.requests).toHaveLength(0);
  });
});
