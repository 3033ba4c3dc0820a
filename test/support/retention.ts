// Retention's tasks run by the test itself instead of through the queue: this
// minute's tasks as the maintenance would seed them, each with its
// continuations, as the queue's consumers would run them.
import { env } from "cloudflare:workers";
import { workerControl } from "../../src/services/control.ts";
import { type RetentionTask, retentionTasks, runRetentionTask } from "../../src/services/retention-tasks.ts";

const pause = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Runs `once` until a run does nothing and passes nothing over for another run's lease: a run of another file
 * holding a lease is waited out, for 2 s at most (a lease left by a run that died holds it two minutes; it is never
 * this test's own account's, which only its own runs touch).
 */
export async function untilDone(once: () => Promise<{ done: number; held: number }>): Promise<void> {
  for (let waits = 0; ; ) {
    const { done, held } = await once();
    if (done > 0) continue;
    if (held === 0 || waits++ >= 200) return;
    await pause();
  }
}

/** One minute's tasks (those of `kind` alone, if given), each to its end; messages done, and tasks passed over for a held lease. */
export async function retentionMinute(kind?: RetentionTask["kind"], nowMs = Date.now()): Promise<{ done: number; held: number }> {
  const control = workerControl(env);
  let done = 0;
  let held = 0;
  for (const task of await retentionTasks(env, control, nowMs)) {
    if (kind && task.kind !== kind) continue;
    for (let more = true; more; ) {
      const report = await runRetentionTask(env, control, task, nowMs);
      done += report.done;
      if (report.held) held++;
      more = report.more;
    }
  }
  return { done, held };
}

/** Retention until nothing is left to delete (other files' expired messages may share the databases). */
export function retainAll(kind?: RetentionTask["kind"]): Promise<void> {
  return untilDone(() => retentionMinute(kind));
}
