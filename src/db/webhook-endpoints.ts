// Webhook endpoints and their delivery log in the control database. Every query is scoped to one account.
import { and, eq, sql } from "drizzle-orm";
import type { Cursor } from "../domain/cursor.ts";
import type { DeliveryOutcome, WebhookDelivery, WebhookEndpoint } from "../domain/webhook-endpoint.ts";
import type { Database } from "./client.ts";
import { accountPage, type Page } from "./pagination.ts";
import { webhookDeliveries, webhookEndpoints } from "./webhook-endpoint-schema.ts";

const byId = (accountId: string, id: string) => and(eq(webhookEndpoints.accountId, accountId), eq(webhookEndpoints.id, id));

/**
 * Inserts the endpoint unless the account already has `max`: the count and
 * the insert are one statement, so two creates racing for the last place
 * cannot both take it. Null when the account is full.
 */
export async function insertEndpoint(db: Database, row: WebhookEndpoint, max: number): Promise<WebhookEndpoint | null> {
  const values = [
    row.id,
    row.accountId,
    row.url,
    row.description,
    JSON.stringify(row.enabledEvents),
    row.metadata === null ? null : JSON.stringify(row.metadata),
    row.secret,
    row.previousSecret,
    row.previousSecretExpiresAt,
    row.disabled ? 1 : 0,
    row.disabledReason,
    row.createdAt,
    row.updatedAt,
  ];
  // drizzle has no INSERT ... SELECT for SQLite: the columns are spelled out.
  const inserted = await db.run(sql`INSERT INTO webhook_endpoints (id, account_id, url, description, enabled_events, metadata, secret, previous_secret,
       previous_secret_expires_at, disabled, disabled_reason, created_at, updated_at)
     SELECT ${sql.join(
       values.map((value) => sql`${value}`),
       sql`, `,
     )} WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE account_id = ${row.accountId}) < ${max}`);
  return inserted.meta.changes > 0 ? row : null;
}

export async function findEndpoint(db: Database, accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
  return db.select().from(webhookEndpoints).where(byId(accountId, id)).get();
}

/** Every endpoint of the account (at most MAX_ENDPOINTS): what its gate holds. */
export async function accountEndpoints(db: Database, accountId: string): Promise<WebhookEndpoint[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.accountId, accountId)).orderBy(webhookEndpoints.id);
}

export function listEndpoints(db: Database, accountId: string, limit: number, cursor: Cursor | null): Promise<Page<WebhookEndpoint>> {
  return accountPage(db, { table: webhookEndpoints, order: "asc", accountId, limit, cursor });
}

export async function updateEndpoint(
  db: Database,
  accountId: string,
  id: string,
  changes: Partial<Omit<WebhookEndpoint, "id" | "accountId" | "createdAt">>,
): Promise<WebhookEndpoint | undefined> {
  const [row] = await db.update(webhookEndpoints).set(changes).where(byId(accountId, id)).returning();
  return row;
}

export async function deleteEndpoint(db: Database, accountId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(webhookEndpoints).where(byId(accountId, id)).returning({ id: webhookEndpoints.id });
  return deleted.length > 0;
}

export async function insertDelivery(db: Database, row: WebhookDelivery): Promise<void> {
  await db.insert(webhookDeliveries).values(row);
}

export async function findDelivery(db: Database, accountId: string, endpointId: string, id: string): Promise<WebhookDelivery | undefined> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.accountId, accountId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)))
    .get();
}

/** One page of an endpoint's deliveries, newest first, optionally of one outcome. */
export function listDeliveries(
  db: Database,
  accountId: string,
  endpointId: string,
  request: { limit: number; cursor: Cursor | null; outcome?: DeliveryOutcome },
): Promise<Page<WebhookDelivery>> {
  const filters = [eq(webhookDeliveries.endpointId, endpointId), request.outcome ? eq(webhookDeliveries.outcome, request.outcome) : undefined];
  return accountPage(db, { table: webhookDeliveries, order: "desc", accountId, limit: request.limit, cursor: request.cursor, filters });
}

/**
 * Since when (Unix seconds) every delivery to the endpoint has failed: its
 * first failed attempt after its last delivered one; null when its latest
 * attempt was delivered or it has none.
 */
export async function failingSince(db: Database, accountId: string, endpointId: string): Promise<number | null> {
  const [row] = await db.all<{ since: number | null }>(sql`SELECT MIN(created_at) AS since FROM webhook_deliveries
    WHERE account_id = ${accountId} AND endpoint_id = ${endpointId} AND outcome <> 'delivered' AND id > coalesce(
      (SELECT MAX(id) FROM webhook_deliveries WHERE account_id = ${accountId} AND endpoint_id = ${endpointId} AND outcome = 'delivered'), '')`);
  return row?.since ?? null;
}

/** Disables an enabled endpoint for failing: the endpoint now; null when it was already disabled or is gone. */
export async function disableFailingEndpoint(db: Database, accountId: string, id: string, now: number): Promise<WebhookEndpoint | null> {
  const [changed] = await db
    .update(webhookEndpoints)
    .set({ disabled: true, disabledReason: "failing", updatedAt: now })
    .where(and(byId(accountId, id), eq(webhookEndpoints.disabled, false)))
    .returning();
  return changed ?? null;
}

/** Deletes up to `limit` delivery rows older than `before` (Unix seconds); how many went. */
export async function deleteDeliveriesBefore(db: Database, before: number, limit: number): Promise<number> {
  const result = await db.run(sql`DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < ${before} LIMIT ${limit})`);
  return result.meta.changes;
}
