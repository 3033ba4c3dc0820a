import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { createMessage } from "../support/messages.ts";

describe("GET /v1/messages/:id/events", () => {
  it("is 404 for another account's message, as if it did not exist", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const { id } = await createMessage(owner, { channel: "SMS", to: "+14155550123", content: { text: "hi" } });
    const res = await api(`/v1/messages/${id}/events`, { key: other.key });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "resource_missing", param: "id" } });
  });
});
