// Rewrites of archived parts besides the move: late changes folded into their
// parts by the run (under the account's lease, like a step), and an API
// redaction of an archived message (no lease: its write is conditional on the
// object as read, and a change in between makes it read again).

import { archivedLookup, forgetChanges, oldestChanges } from "../db/archive-index.ts";
import type { Database } from "../db/client.ts";
import { database } from "../db/client.ts";
import { redactedMessage } from "../delivery/redaction.ts";
import { dayAndShardOf, partKey } from "../domain/archive.ts";
import { underArchiveLease } from "./archive-lease.ts";
import { ArchiveObjectChanged, readArchivedObject, writeArchivedPart } from "./archive-objects.ts";
import { writePart } from "./archive-step.ts";

/** Accounts a fold passes over (their lease held elsewhere) before it stops: one bound parameter each. */
const PASSED_MAX = 50;

/** What a fold did: parts rewritten (or changes of gone messages dropped), and changes left for a lease held elsewhere. */
export interface Folded {
  steps: number;
  held: number;
}

/**
 * Folds the oldest late changes into their parts' objects, each part rewritten once with all of its changes, until
 * `budget` parts are rewritten or no change is left, so the table of changes drains as fast as the run's budget
 * allows. A change no part holds the message of (it reached a message retention deleted, through a projection still
 * queued) is dropped: otherwise it would stay first in line for ever. An account whose lease another run holds is
 * passed over for this run.
 */
export async function foldChanges(env: Env, controlDb: Database, budget: number, clock: () => number): Promise<Folded> {
  const done = new Set<string>();
  const passed: string[] = [];
  let steps = 0;
  for (let progressed = true; progressed && steps < budget && passed.length < PASSED_MAX; ) {
    progressed = false;
    const asked = budget - steps;
    const changes = await oldestChanges(controlDb, asked, passed);
    for (const { accountId, messageId } of changes) {
      if (steps >= budget) break;
      if (passed.includes(accountId)) continue;
      const { part } = await archivedLookup(controlDb, dayAndShardOf(accountId, messageId), messageId);
      const key = part && partKey(part);
      if (key && done.has(key)) continue;
      const outcome = await underArchiveLease(controlDb, accountId, clock(), async (lease) => {
        const held = key ? await readArchivedObject(env.ARCHIVE, key) : null;
        if (!part || !held?.rows.some((row) => row.id === messageId)) return forgetChanges(controlDb, accountId, [messageId]);
        await writePart(env, controlDb, lease, part, held, []);
      });
      if (outcome.held) {
        passed.push(accountId);
        continue;
      }
      if (key) done.add(key);
      steps++;
      progressed = true;
    }
    if (changes.length < asked) break;
  }
  return { steps, held: passed.length };
}

/** Rewrites of one redaction before it gives up (each lost to another writer of the part in between). */
const REDACT_TRIES = 3;

/**
 * Rewrites the archived message in its part without its content (as a redacted row holds it, with
 * projection_seq raised as the row's redaction raises it); false when the archive does not hold it. A run or
 * expiry rewriting the part meanwhile makes it read the part again and redact that.
 */
export async function redactArchived(env: Env, accountId: string, messageId: string, redactedAt: number): Promise<boolean> {
  const controlDb = database(env.CONTROL_DB);
  for (let attempt = 1; ; attempt++) {
    const { part } = await archivedLookup(controlDb, dayAndShardOf(accountId, messageId), messageId);
    if (!part) return false;
    const held = await readArchivedObject(env.ARCHIVE, partKey(part));
    const index = held?.rows.findIndex((row) => row.id === messageId) ?? -1;
    if (!held || index < 0) return false;
    const row = held.rows[index]!;
    if (row.redactedAt) return true;
    held.rows[index] = { ...row, ...redactedMessage(row, redactedAt), projectionSeq: row.projectionSeq + 1 };
    try {
      await writeArchivedPart(env.ARCHIVE, partKey(part), held.rows, held.etag);
      return true;
    } catch (error) {
      if (!(error instanceof ArchiveObjectChanged) || attempt >= REDACT_TRIES) throw error;
    }
  }
}
