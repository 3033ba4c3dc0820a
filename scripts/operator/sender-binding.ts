// The operator's binding of a live sender to an account (`npm run keys --
// senders add`): the statements, with ? parameters, so that the command runs
// them through wrangler and the tests run the very same ones on their D1.
import { createSenderSchema, senderModeProblem } from "../../src/domain/sender.ts";
import { BOUND_SENDER_STATUSES } from "../../src/domain/sender-verification.ts";
import type { Statement } from "../lib/statement.ts";

export interface BindingRequest {
  account: string;
  channel: string;
  address: string;
  phoneNumberId?: string;
  name?: string;
  isDefault: boolean;
}

const BOUND = BOUND_SENDER_STATUSES.map((status) => `'${status}'`).join(", ");

/** The sender as the API would store it (normalized, checked), or why it cannot be bound. */
export function bindingInput(request: BindingRequest) {
  const parsed = createSenderSchema.safeParse({
    channel: request.channel,
    address: request.address,
    phone_number_id: request.phoneNumberId,
    name: request.name,
    default: request.isDefault,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${String(issue.path[0] ?? "address").replaceAll("_", "-")} ${issue.message}`);
  }
  const problem = senderModeProblem(parsed.data, "live");
  if (problem) throw new Error(`--${problem.param.replaceAll("_", "-")}: ${problem.message}`);
  return parsed.data;
}

/** The account's mode, and the account (by name) already holding this address or number id, if another does. */
export function bindingChecks(request: BindingRequest, input: ReturnType<typeof bindingInput>): Statement[] {
  return [
    { sql: "SELECT id, mode FROM accounts WHERE name = ?", params: [request.account] },
    {
      sql: `SELECT a.name AS account FROM senders s JOIN accounts a ON a.id = s.account_id
              WHERE s.status IN (${BOUND}) AND a.name <> ? AND ((s.channel = ? AND s.address = ?) OR s.phone_number_id = ?) LIMIT 1`,
      params: [request.account, input.channel, input.address, input.phoneNumberId],
    },
  ];
}

/**
 * Binds the sender: a new operator_bound row, or the account's existing row
 * for the address (a pending claim, an alphanumeric id awaiting approval)
 * upgraded to operator_bound. Then the row.
 */
export function bindingStatements(request: BindingRequest, input: ReturnType<typeof bindingInput>, id: string, now: number): Statement[] {
  return [
    {
      sql: `INSERT INTO senders (id, account_id, channel, address, phone_number_id, name, is_default, status, verification_attempts, created_at)
              SELECT ?, id, ?, ?, ?, ?, ?, 'operator_bound', 0, ? FROM accounts WHERE name = ? AND mode = 'live'
              ON CONFLICT (account_id, channel, address) DO UPDATE SET status = 'operator_bound',
                phone_number_id = coalesce(excluded.phone_number_id, senders.phone_number_id), name = coalesce(excluded.name, senders.name),
                verification_token = NULL, verification_code_hash = NULL, verification_expires_at = NULL`,
      params: [id, input.channel, input.address, input.phoneNumberId, input.name, input.isDefault ? 1 : 0, now, request.account],
    },
    {
      sql: "SELECT s.id, s.channel, s.address, s.status FROM senders s JOIN accounts a ON a.id = s.account_id WHERE a.name = ? AND s.channel = ? AND s.address = ?",
      params: [request.account, input.channel, input.address],
    },
  ];
}

/** Why the checks' rows forbid the binding, or null. */
export function bindingRefusal(request: BindingRequest, accountRows: Record<string, unknown>[], holderRows: Record<string, unknown>[]): string | null {
  const account = accountRows[0];
  if (!account) return `no account named '${request.account}'`;
  if (account.mode !== "live") return `account '${request.account}' is in test mode: its senders are sandbox senders and need no binding`;
  const holder = holderRows[0];
  if (holder) return `this address or phone_number_id is already bound to account '${String(holder.account)}'; remove it there first`;
  return null;
}
