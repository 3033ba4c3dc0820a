// A list only ever holds the caller's own messages, whatever cursor it is given.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { createMessages, listMessages } from "../support/messages.ts";
import { bindSender } from "../support/resources.ts";

describe("GET /v1/messages across accounts", () => {
  it("lists each account's own messages and no one else's", async () => {
    const alice = await createAccount();
    const bob = await createAccount();
    const aliceIds = await createMessages(alice.key, 3);
    const bobIds = await createMessages(bob.key, 2);
    const carol = await createAccount();

    expect((await listMessages(alice.key, { limit: 100 })).data.map((m) => m.id)).toEqual([...aliceIds].reverse());
    expect((await listMessages(bob.key, { limit: 100 })).data.map((m) => m.id)).toEqual([...bobIds].reverse());
    expect((await listMessages(carol.key, { limit: 100 })).data).toEqual([]);
  });

  it("keeps a test account's and a live account's messages apart", async () => {
    const test = await createAccount("test");
    const live = await createAccount("live");
    await bindSender(live, "sms");
    const testIds = await createMessages(test.key, 2);
    const liveIds = await createMessages(live.key, 2);
    expect((await listMessages(live.key)).data.map((m) => m.id)).toEqual([...liveIds].reverse());
    expect((await listMessages(test.key)).data.map((m) => m.id)).toEqual([...testIds].reverse());
  });

  it("walks only the caller's messages when given another account's cursor", async () => {
    const alice = await createAccount();
    const bob = await createAccount();
    // Interleaved, so Bob's cursor falls between Alice's messages.
    const aliceIds: string[] = [];
    const bobIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      aliceIds.push(...(await createMessages(alice.key, 1)));
      bobIds.push(...(await createMessages(bob.key, 1)));
    }
    const bobCursor = (await listMessages(bob.key, { limit: 2 })).next_cursor!;
    const page = await listMessages(alice.key, { limit: 100, cursor: bobCursor });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((m) => aliceIds.includes(m.id))).toBe(true);
  });
});
