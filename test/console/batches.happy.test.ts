// Batches and metadata in the Console: the batch list, a batch with its counts
// and a link to its messages, the messages page filtered by batch and by a
// metadata key, and a message's metadata on its page. Never another account's.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { smsBody } from "../support/messages.ts";

async function batchOf(key: string, messages: Record<string, unknown>[]) {
  const res = await api("/v1/messages/batch", { key, json: { metadata: { campaign: "shifts" }, messages } });
  return res.json<{ id: string; data: { id: string }[] }>();
}

describe("batches and metadata in the Console", () => {
  it("lists the batches, shows one with its counts, and filters the messages by batch and by metadata", async () => {
    const account = await createAccount();
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const batch = await batchOf(account.key, [
      smsBody({ send_at: sendAt, metadata: { order_id: "A1" } }),
      smsBody({ to: "+14155550124", send_at: sendAt, metadata: { order_id: "A2" } }),
    ]);
    const alone = (await (await api("/v1/messages", { key: account.key, json: smsBody({ metadata: { order_id: "A1" } }) })).json<{ id: string }>()).id;
    const session = await signIn(account);
    const get = async (path: string) => {
      const res = await consoleFetch(path, { cookie: session.cookie });
      expect(res.status).toBe(200);
      return res.text();
    };
    expect(await get("/console/batches")).toContain(batch.id);
    const detail = await get(`/console/batches/${batch.id}`);
    expect(detail).toContain("<dt>scheduled</dt><dd>2</dd>");
    expect(detail).toContain(`/console/messages?batch=${batch.id}`);
    const ofBatch = await get(`/console/messages?batch=${batch.id}`);
    expect(ofBatch).toContain(batch.data[0]!.id);
    expect(ofBatch).toContain(batch.data[1]!.id);
    expect(ofBatch).not.toContain(alone);
    const byOrder = await get("/console/messages?meta_key=order_id&meta_value=A1");
    expect(byOrder).toContain(batch.data[0]!.id);
    expect(byOrder).toContain(alone);
    expect(byOrder).not.toContain(batch.data[1]!.id);
    const message = await get(`/console/messages/${batch.data[0]!.id}`);
    expect(message).toContain("<dt>order_id</dt>");
    expect(message).toContain(`href="/console/batches/${batch.id}"`);
  });

  it("shows no other account's batch", async () => {
    const [owner, other] = [await createAccount(), await createAccount()];
    const batch = await batchOf(owner.key, [smsBody()]);
    const session = await signIn(other);
    const res = await consoleFetch(`/console/batches/${batch.id}`, { cookie: session.cookie });
    expect(res.status).toBe(404);
    expect(await (await consoleFetch("/console/batches", { cookie: session.cookie })).text()).not.toContain(batch.id);
  });
});
