// POST /v1/messages/:id/redact during a shard move, of a final message whose
// object holds no state (D1 is all there is): the copy the move already made
// at the target loses its content too, and no later copy brings it back, so
// after the flip the message reads redacted where it now lives.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../src/db/message-schema.ts";
import type { ShardMove } from "../../src/db/shard-moves.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { newMessageId } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { workerControl } from "../../src/services/control.ts";
import { advanceMove } from "../../src/services/shard-move.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { storeMessage } from "../support/queue.ts";
import { FAST, recordMove, runMove } from "../support/shards.ts";

const SECRET = "Your code is 604918";

async function rowOn(shard: number, id: string) {
  const [row] = await shardDatabase(env, shard).select().from(messages).where(eq(messages.id, id));
  return row;
}

describe("redacting a message during a shard move", () => {
  for (const redactIn of ["verifying", "flipped"] as const) {
    it(`after the copy (in ${redactIn}) leaves no content at the target once the move is done`, async () => {
      const account = await createAccount("test", { placement: homedOn(0) });
      const id = await storeMessage(account, {
        id: newMessageId(0),
        status: "delivered",
        content: { text: SECRET },
        rendered: { channel: "sms", text: SECRET },
      });
      let move: ShardMove = await recordMove(account.id, 1);
      while (move.phase !== redactIn) move = (await advanceMove(env, workerControl(env), move, Date.now(), FAST)).move;
      expect((await rowOn(1, id))?.content).toEqual({ text: SECRET });

      const redacted = await api(`/v1/messages/${id}/redact`, { key: account.key, method: "POST" });
      expect(redacted.status).toBe(200);
      expect((await runMove(move)).phase).toBe("done");

      const read = await (await api(`/v1/messages/${id}`, { key: account.key })).json<Record<string, unknown>>();
      expect(read).toMatchObject({ id, status: "delivered", content: null, redacted_at: expect.any(Number) });
      expect(await rowOn(0, id)).toBeUndefined();
      expect(JSON.stringify(await rowOn(1, id))).not.toContain(SECRET);
    });
  }
});
