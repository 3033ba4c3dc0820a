// An account's webhook endpoints, one function per change, shared by the API
// (/v1/webhook_endpoints) and the Console: each write tells the account's
// gate, which holds the endpoints the account's messages fan out to.
import { generateWebhookSecret } from "../auth/api-key.ts";
import type { Page } from "../db/pagination.ts";
import { deleteEndpoint, findEndpoint, insertEndpoint, listEndpoints, updateEndpoint } from "../db/webhook-endpoints.ts";
import type { Account } from "../domain/account.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import type { Cursor } from "../domain/cursor.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { type CreateEndpointInput, MAX_ENDPOINTS, type UpdateEndpointInput, type WebhookEndpoint } from "../domain/webhook-endpoint.ts";
import type { Control } from "./control.ts";

/** How long the old secret keeps signing after a roll: as the account's own secret. */
const SECRET_OVERLAP_SECONDS = 24 * 60 * 60;

const missing = (id: string) => fail("id", "resource_missing", `No such webhook endpoint: '${id}'`);

function urlProblem(url: string, account: Account) {
  const problem = callbackUrlProblem(url, account.mode);
  return problem ? fail("url", "parameter_invalid", `Invalid url: ${problem}.`) : null;
}

export async function createEndpoint(control: Control, account: Account, input: CreateEndpointInput): Promise<Result<WebhookEndpoint>> {
  const refused = urlProblem(input.url, account);
  if (refused) return refused;
  const now = unixSeconds();
  const row: WebhookEndpoint = {
    id: newId("we"),
    accountId: account.id,
    url: input.url,
    description: input.description ?? "",
    enabledEvents: input.enabled_events,
    metadata: input.metadata ?? null,
    secret: generateWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    disabled: false,
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
  };
  const inserted = await insertEndpoint(control.db, row, MAX_ENDPOINTS);
  if (!inserted) return fail("", "endpoint_limit_reached", `An account has at most ${MAX_ENDPOINTS} webhook endpoints: delete one first.`);
  await control.tellGate(account.id, { endpoints: true });
  return succeed(inserted);
}

export async function findAccountEndpoint(control: Control, account: Account, id: string): Promise<Result<WebhookEndpoint>> {
  const row = await findEndpoint(control.db, account.id, id);
  return row ? succeed(row) : missing(id);
}

export function listAccountEndpoints(control: Control, account: Account, limit: number, cursor: Cursor | null): Promise<Page<WebhookEndpoint>> {
  return listEndpoints(control.db, account.id, limit, cursor);
}

/** Applies what is given; enabling an endpoint again re-sends nothing from while it was disabled. */
export async function editEndpoint(control: Control, account: Account, id: string, input: UpdateEndpointInput): Promise<Result<WebhookEndpoint>> {
  if (input.url !== undefined) {
    const refused = urlProblem(input.url, account);
    if (refused) return refused;
  }
  const changes: Partial<WebhookEndpoint> = { updatedAt: unixSeconds() };
  if (input.url !== undefined) changes.url = input.url;
  if (input.enabled_events !== undefined) changes.enabledEvents = input.enabled_events;
  if (input.description !== undefined) changes.description = input.description;
  if (input.metadata !== undefined) changes.metadata = input.metadata;
  if (input.disabled !== undefined) Object.assign(changes, { disabled: input.disabled, disabledReason: input.disabled ? "manual" : null });
  const row = await updateEndpoint(control.db, account.id, id, changes);
  if (!row) return missing(id);
  await control.tellGate(account.id, { endpoints: true });
  return succeed(row);
}

export async function removeEndpoint(control: Control, account: Account, id: string): Promise<Result<true>> {
  if (!(await deleteEndpoint(control.db, account.id, id))) return missing(id);
  await control.tellGate(account.id, { endpoints: true });
  return succeed(true);
}

/** A new secret; the current one keeps signing beside it for 24 hours. */
export async function rollEndpointSecret(control: Control, account: Account, id: string): Promise<Result<WebhookEndpoint>> {
  const current = await findEndpoint(control.db, account.id, id);
  if (!current) return missing(id);
  const row = await updateEndpoint(control.db, account.id, id, {
    secret: generateWebhookSecret(),
    previousSecret: current.secret,
    previousSecretExpiresAt: unixSeconds() + SECRET_OVERLAP_SECONDS,
    updatedAt: unixSeconds(),
  });
  if (!row) return missing(id);
  await control.tellGate(account.id, { endpoints: true });
  return succeed(row);
}
