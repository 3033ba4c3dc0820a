// Automatic disabling (issue 27): an endpoint whose deliveries have all failed
// for 5 days in a row is disabled with disabled_reason "failing", judged from
// its delivery log after each failed attempt (the log already holds every
// attempt; nothing else is kept for it). Enabling it again (POST /:id with
// disabled: false) re-sends nothing old: its queued events ended "disabled".
import type { Database } from "../db/client.ts";
import { disableFailingEndpoint, failingSince } from "../db/webhook-endpoints.ts";
import { unixSeconds } from "../domain/ids.ts";
import { toEndpointObject } from "../domain/webhook-endpoint.ts";
import { logger } from "../log.ts";

/** Failing this long, with no delivery in between, disables an endpoint. */
const FAILING_DISABLES_AFTER_SECONDS = 5 * 24 * 60 * 60;

/** After a failed attempt: disables the endpoint if every delivery has failed for FAILING_DISABLES_AFTER_SECONDS. */
export async function judgeEndpoint(env: Env, db: Database, accountId: string, endpointId: string, now = unixSeconds()): Promise<boolean> {
  try {
    const since = await failingSince(db, accountId, endpointId);
    if (since === null || now - since < FAILING_DISABLES_AFTER_SECONDS) return false;
    const disabled = await disableFailingEndpoint(db, accountId, endpointId, now);
    if (!disabled) return false;
    logger.with({ account_id: accountId }).warn("endpoint_disabled_failing", { endpoint_id: endpointId, failing_since: since });
    // The gate reads its endpoints again and tells the account's other endpoints (endpoint.disabled). Called on the
    // namespace, not through tellGate: the gate's own outbox judges endpoints too (account-gate.ts imports this module).
    await env.ACCOUNT_GATE.getByName(accountId).changed({
      endpoints: true,
      event: { accountId, type: "endpoint.disabled", data: JSON.stringify(toEndpointObject(disabled)) },
    });
    return true;
  } catch (error) {
    // The next failed attempt judges again.
    logger.warn("endpoint_judgement_failed", { endpoint_id: endpointId, error });
    return false;
  }
}
