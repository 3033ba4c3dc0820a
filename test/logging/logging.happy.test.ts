// The logger's shape (src/log.ts): one JSON line per call, with level, event,
// the bound context and the fields; one console method per level.
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger, REDACTED } from "../../src/log.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

function capture() {
  const methods = { info: vi.spyOn(console, "log"), warn: vi.spyOn(console, "warn"), error: vi.spyOn(console, "error") };
  for (const spy of Object.values(methods)) spy.mockImplementation(() => {});
  const lines = (spy: (typeof methods)[keyof typeof methods]) => spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
  return { info: () => lines(methods.info), warn: () => lines(methods.warn), error: () => lines(methods.error) };
}

describe("logger", () => {
  it("writes one JSON line per call, on the console method of its level", () => {
    const log = capture();
    logger.info("messages_requeued", { count: 2 });
    logger.warn("receipt_for_unknown_message", { provider: "twilio" });
    logger.error("delivery_error");
    expect(log.info()).toEqual([{ level: "info", event: "messages_requeued", count: 2 }]);
    expect(log.warn()).toEqual([{ level: "warn", event: "receipt_for_unknown_message", provider: "twilio" }]);
    expect(log.error()).toEqual([{ level: "error", event: "delivery_error" }]);
  });

  it("binds context with with(), which nests and leaves its parent unchanged", () => {
    const log = capture();
    const forRequest = logger.with({ request_id: "req_1" });
    forRequest.with({ message_id: "msg_1" }).error("enqueue_failed", { attempt: 3 });
    forRequest.error("unhandled_error");
    logger.error("timer_failed");
    expect(log.error()).toEqual([
      { level: "error", event: "enqueue_failed", request_id: "req_1", message_id: "msg_1", attempt: 3 },
      { level: "error", event: "unhandled_error", request_id: "req_1" },
      { level: "error", event: "timer_failed" },
    ]);
  });

  it("prints an Error as its name and message (JSON.stringify would print {})", () => {
    const log = capture();
    logger.error("delivery_error", { error: new TypeError("queue unavailable") });
    expect(log.error()[0]!.error).toBe("TypeError: queue unavailable");
  });

  it("keeps level and event from being overwritten by a field", () => {
    const log = capture();
    logger.with({ level: "info" }).error("status_projection_failed", { event: "something_else" });
    expect(log.error()).toEqual([{ level: "error", event: "status_projection_failed" }]);
  });

  it("redacts fields named like secrets or message content, at any depth", () => {
    const log = capture();
    logger.with({ api_key: "omni_test_x" }).error("oops", {
      authorization: "Bearer x",
      webhookSecret: "whsec_x",
      authToken: "t",
      nested: { RESEND_API_KEY: "re_x", text: "your code is 123456", message_id: "msg_1" },
      list: [{ subject: "Hi", body: "hello" }],
    });
    expect(log.error()[0]).toEqual({
      level: "error",
      event: "oops",
      api_key: REDACTED,
      authorization: REDACTED,
      webhookSecret: REDACTED,
      authToken: REDACTED,
      nested: { RESEND_API_KEY: REDACTED, text: REDACTED, message_id: "msg_1" },
      list: [{ subject: REDACTED, body: REDACTED }],
    });
  });
});
