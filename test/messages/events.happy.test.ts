import { describe, expect, it } from "vitest";
import { shardOfMessageId } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";
import { waitForStatus } from "../support/wait.ts";

describe("GET /v1/messages/:id/events", () => {
  // A message on either message database: its id takes the retrieve and its object straight there.
  it.each([0, 1])("lists the life of a message on shard %i oldest first: creation, the hand-off attempt, each status change", async (shard) => {
    const account = await createAccount("test", { placement: homedOn(shard) });
    const { id } = await createMessage(account, { channel: "SMS", to: "+14155550123", content: { text: "hi" } });
    expect(shardOfMessageId(id)).toBe(shard);
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
