// The races and failures around deleting a file: a create that claimed a file
// keeps it from a deletion that counted no reference, a claim that arrives
// while its file is being deleted waits for the deletion (so its create then
// uploads the file again), and a release that never happened is repaired by
// the maintenance run.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { redactMessageRow } from "../../src/db/retention.ts";
import { sweepMedia } from "../../src/delivery/media-release.ts";
import { CLAIM_GRACE_MS, MediaClaims } from "../../src/gate/media-claims.ts";
import { emailWith, pdfAttachment, pdfBytes, sha256, storedObjects } from "../messages/attachments.fixture.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { messageDb } from "../support/db.ts";
import { hold } from "../support/hold.ts";
import { waitForStatus } from "../support/wait.ts";

const MINUTE_MS = 60_000;

/** The account's gate's storage, with a bucket whose deletes the test sees (and may hold open). */
function inGate<T>(accountId: string, run: (claims: MediaClaims, deleted: string[]) => Promise<T>, deleting?: () => Promise<void>): Promise<T> {
  return runInDurableObject(env.ACCOUNT_GATE.getByName(accountId), async (_, state) => {
    const deleted: string[] = [];
    const bucket = {
      delete: async (key: string) => {
        await deleting?.();
        deleted.push(key);
      },
    } as unknown as R2Bucket;
    return run(new MediaClaims(state.storage.sql, bucket), deleted);
  });
}

describe("a create's claim", () => {
  it("keeps a file that no message refers to from a deletion that began counting within the grace, and not after", async () => {
    const account = await createAccount("test");
    const claimedAt = Date.now();
    const outcome = await inGate(account.id, async (claims, deleted) => {
      await claims.claim(["f00d"], claimedAt);
      const within = await claims.collect(account.id, "f00d", claimedAt + CLAIM_GRACE_MS - MINUTE_MS);
      const keptSoFar = [...deleted];
      const after = await claims.collect(account.id, "f00d", claimedAt + CLAIM_GRACE_MS + 1);
      return { within, keptSoFar, after, deleted };
    });
    expect(outcome).toEqual({ within: false, keptSoFar: [], after: true, deleted: [`${account.id}/f00d`] });
  });

  it("that arrives while its file is being deleted answers only once the deletion is done", async () => {
    const account = await createAccount("test");
    const deletion = hold();
    const order = await inGate(
      account.id,
      async (claims, deleted) => {
        const events: string[] = [];
        const collecting = claims.collect(account.id, "beef", Date.now() + CLAIM_GRACE_MS + 1).then(() => events.push(`collected: ${deleted.length}`));
        await deletion.reached();
        const claiming = claims.claim(["beef"], Date.now()).then(() => events.push(`claimed: ${deleted.length}`));
        events.push("claim asked");
        deletion.release();
        await Promise.all([collecting, claiming]);
        return events;
      },
      () => deletion.wait(),
    );
    // The claim is answered after the delete finished: the create's look in R2 then finds nothing, and uploads.
    expect(order).toEqual(["claim asked", "collected: 1", "claimed: 1"]);
  });
});

describe("a release that did not happen", () => {
  it("a redacted message still referring to its file (its release failed) has the reference dropped and the file deleted by the maintenance run", async () => {
    const account = await createAccount("test");
    const bytes = pdfBytes();
    const res = await api("/v1/messages", { key: account.key, json: emailWith({ attachments: [pdfAttachment(bytes)] }) });
    const { id } = await res.json<{ id: string }>();
    await waitForStatus(account, id, ["delivered"]);
    // The row redacted without its release, as when the release's D1 write failed.
    await redactMessageRow(messageDb(id), id, Math.floor(Date.now() / 1000));
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(bytes)}`]);
    await sweepMedia(env, Date.now() + CLAIM_GRACE_MS + MINUTE_MS);
    expect(await storedObjects(account.id)).toEqual([]);
  });
});
