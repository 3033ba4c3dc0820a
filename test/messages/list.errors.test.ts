// GET /v1/messages with a bad limit, a bad cursor or an unknown query param:
// a clean 400 naming the param, never a 500 or a silently ignored value.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { createMessages, listMessages } from "../support/messages.ts";

const base64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function expectListRejected(query: string, param: string) {
  const account = await createAccount();
  const res = await api(`/v1/messages?${query}`, { key: account.key });
  return expectError(res, 400, { type: "invalid_request_error", param });
}

describe("GET /v1/messages errors", () => {
  it.each(["0", "101", "-1", "1.5", "abc", "", "20abc", "1e3"])("refuses limit=%s, naming limit", async (limit) => {
    const error = await expectListRejected(`limit=${limit}`, "limit");
    expect(error.message).toContain("1 to 100");
  });

  it("refuses a repeated limit", async () => {
    await expectListRejected("limit=1&limit=2", "limit");
  });

  describe("cursor", () => {
    it.each([
      ["garbage", "not-a-cursor!"],
      ["empty", ""],
      ["base64url of text that is not JSON", base64url("hello")],
      ["base64url of a JSON string", base64url('"msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f"')],
      ["base64url of JSON without a direction", base64url('{"id":"msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f"}')],
      ["base64url of JSON with an unknown direction", base64url('{"id":"msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f","dir":"up"}')],
      ["base64url of JSON with an id of the wrong shape", base64url('{"id":"1 OR 1=1","dir":"next"}')],
      ["base64url of JSON with an extra field", base64url('{"id":"msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f","dir":"next","account":"acct_x"}')],
      ["base64url of a JSON array", base64url('["msg_019ec8f3a1b27c3d8e9f0a1b2c3d4e5f","next"]')],
      ["longer than any cursor we issue", "A".repeat(600)],
    ])("refuses a cursor that is %s, naming cursor", async (_case, cursor) => {
      await expectListRejected(`cursor=${encodeURIComponent(cursor)}`, "cursor");
    });

    it("refuses a real cursor cut short, or with its characters swapped for standard base64 ones", async () => {
      const account = await createAccount();
      await createMessages(account.key, 3);
      const cursor = (await listMessages(account.key, { limit: 1 })).next_cursor!;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const damaged = [cursor.slice(0, -1), cursor.slice(0, -3), cursor.slice(0, cursor.length / 2), `${cursor}==`, cursor.slice(1)];
      for (const bad of damaged) {
        const res = await api(`/v1/messages?limit=1&cursor=${encodeURIComponent(bad)}`, { key: account.key });
        await expectError(res, 400, { type: "invalid_request_error", param: "cursor" });
      }
      // The undamaged cursor works, so the 400s above are about the damage.
      expect((await listMessages(account.key, { limit: 1, cursor })).data).toHaveLength(1);
    });
  });

  it.each(["starting_after", "offset", "page"])("refuses the unknown query param %s by name", async (param) => {
    await expectListRejected(`${param}=1`, param);
  });
});
