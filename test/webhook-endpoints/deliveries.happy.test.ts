// The delivery log keeps 30 days: the maintenance run prunes what is older.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client.ts";
import { insertDelivery } from "../../src/db/webhook-endpoints.ts";
import { workerControl } from "../../src/services/control.ts";
import { pruneWebhookDeliveries } from "../../src/services/webhook-deliveries.ts";
import { createAccount } from "../support/accounts.ts";
import { createEndpoint, deliveries } from "./webhook-endpoints.fixture.ts";

const DAY = 24 * 60 * 60;

describe("the delivery log", () => {
  it("drops attempts older than 30 days and keeps the rest", async () => {
    const account = await createAccount("live");
    const endpoint = await createEndpoint(account, { url: "https://hooks.your-app.com/omniflow", enabled_events: ["*"] });
    const now = Math.floor(Date.now() / 1000);
    const logged = (daysAgo: number) =>
      insertDelivery(database(env.CONTROL_DB), {
        id: `whd_${((now - daysAgo * DAY) * 1000).toString(16).padStart(12, "0")}${"0".repeat(19)}${daysAgo}`,
        accountId: account.id,
        endpointId: endpoint.id,
        webhookId: `evt_${daysAgo}_${endpoint.id}`,
        eventId: `evt_${daysAgo}`,
        eventType: "message.delivered",
        messageId: null,
        attempt: 1,
        statusCode: 200,
        durationMs: 12,
        outcome: "delivered",
        error: null,
        nextRetryAt: null,
        createdAt: now - daysAgo * DAY,
      });
    await logged(31);
    await logged(29);
    expect(await pruneWebhookDeliveries(workerControl(env), Date.now())).toBeGreaterThanOrEqual(1);
    expect((await deliveries(account, endpoint.id)).map((row) => row.event_id)).toEqual(["evt_29"]);
  });
});
