import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { addSender, type SenderObject as Sender } from "../support/resources.ts";

describe("senders CRUD", () => {
  it("lists senders newest first, with cursors both ways", async () => {
    const account = await createAccount("live");
    const added: Sender[] = [];
    for (let i = 0; i < 5; i++) added.push(await addSender(account, { channel: "sms", address: `+1415555010${i}` }));
    const newestFirst = added.map((s) => s.id).reverse();
    expect((await listAll<Sender>("/v1/senders", account.key, 2)).map((s) => s.id)).toEqual(newestFirst);

    const first = await (await api("/v1/senders?limit=2", { key: account.key })).json<{ next_cursor: string; prev_cursor: null; has_more: boolean }>();
    expect(first).toMatchObject({ prev_cursor: null, has_more: true });
    const second = await (await api(`/v1/senders?limit=2&cursor=${first.next_cursor}`, { key: account.key })).json<{ data: Sender[]; prev_cursor: string }>();
    expect(second.data.map((s) => s.id)).toEqual(newestFirst.slice(2, 4));
    const back = await (await api(`/v1/senders?limit=2&cursor=${second.prev_cursor}`, { key: account.key })).json<{ data: Sender[]; prev_cursor: null }>();
    expect(back.data.map((s) => s.id)).toEqual(newestFirst.slice(0, 2));
    expect(back.prev_cursor).toBeNull();
  });
});
