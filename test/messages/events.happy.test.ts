import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";

describe("GET /v1/messages/:id/events", () => {
  it("lists the message's life oldest first: creation, the hand-off attempt, each status change", async () => {
    const account = await createAccount();
    const { id } = await createMessage(account, { channel: "SMS", to: "+14155550123", content: { text: "hi" } });
    await waitForStatus(account, id, ["delivered"]);
    const res = await api(`/v1/messages/${id}/events`, { key: account.key });
    expect(res.status).toBe(200);
    const body = await res.json<{ object: string; data: { object: string; type: string; created_at_ms: number; data: Record<string, unknown> }[] }>();
    expect(body.object).toBe("list");
    expect(body.data.map((e) => [e.type, e.data.status ?? e.data.outcome])).toEqual([
      ["message.created", "queued"],
      ["provider.attempt", "accepted"],
      ["status.changed", "sent"],
      ["status.changed", "delivered"],
    ]);
    const times = body.data.map((e) => e.created_at_ms);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(body.data.every((e) => e.object === "message_event")).toBe(true);
  });
});
