// Shared by the convergence tests: projections lost on their way (sent into
// nothing), and the convergence pass started at a chosen creation time, so a
// test's own rows are the only ones it meets (test files share the databases).
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { convergeCursors } from "../../src/db/message-schema.ts";
import { CONVERGE } from "../../src/delivery/convergence.ts";
import { firstIdAt } from "../../src/domain/ids.ts";
import { onEveryShard } from "../support/db.ts";

/** Every projection an object sends from now on is lost, as the local Queue loses them to kill -9. Undo with vi.restoreAllMocks(). */
export function loseProjections(): void {
  vi.spyOn(env.PROJECTIONS_QUEUE, "send").mockResolvedValue({} as QueueSendResponse);
}

/** Puts these check ages' cursors (every age's unless told), on every shard, at messages created from `ms` on. */
export async function convergeFrom(ms: number, ages: readonly number[] = CONVERGE.checkAges): Promise<void> {
  const throughId = firstIdAt("msg", ms);
  await onEveryShard(async (shardDb) => {
    for (const ageSeconds of ages) {
      await shardDb.insert(convergeCursors).values({ ageSeconds, throughId }).onConflictDoUpdate({ target: convergeCursors.ageSeconds, set: { throughId } });
    }
    return [];
  });
}
