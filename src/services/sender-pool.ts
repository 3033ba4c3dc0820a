// An account's senders as a create's pools read them: read, removed, and
// bound by the operator (`npm run keys -- senders add`). Apart from
// senders.ts (adding and proving), which sends codes through the message
// pipeline: the operator's scripts load this module under Node.
import type { Page } from "../db/pagination.ts";
import { bindSenderRow, boundElsewhere, deleteSender, findSender, listSenders } from "../db/senders.ts";
import type { Account } from "../domain/account.ts";
import { CHANNELS } from "../domain/address.ts";
import type { Cursor } from "../domain/cursor.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { type CreateSenderInput, type Sender, senderModeProblem } from "../domain/sender.ts";
import type { Control } from "./control.ts";

export const senderMissing = (id: string) => fail("id", "resource_missing", `No such sender: '${id}'`);

/** Removes the sender: a create no longer sends from it. */
export async function removeSender(control: Control, account: Account, id: string): Promise<Result<{ id: string }>> {
  if (!(await deleteSender(control.db, account.id, id))) return senderMissing(id);
  // Which channel's pool it left is not read back: every channel's pool is read again.
  await control.tellGate(account.id, { senders: [...CHANNELS] });
  return succeed({ id });
}

export async function findAccountSender(control: Control, account: Account, id: string): Promise<Result<Sender>> {
  const row = await findSender(control.db, account.id, id);
  return row ? succeed(row) : senderMissing(id);
}

export function listAccountSenders(control: Control, account: Account, limit: number, cursor: Cursor | null): Promise<Page<Sender>> {
  return listSenders(control.db, account.id, limit, cursor);
}

/**
 * Binds a live sender to the account without a proof (the operator vouches
 * for it): a new operator_bound sender, or the account's own pending claim of
 * the address approved (alphanumeric sender ids can be bound no other way).
 */
export async function bindLiveSender(control: Control, account: Account, input: CreateSenderInput): Promise<Result<Sender>> {
  if (account.mode !== "live") return fail("account", "parameter_invalid", "The account is in test mode: its senders are sandbox senders and need no binding.");
  const problem = senderModeProblem(input, "live");
  if (problem) return fail(problem.param, "parameter_invalid", problem.message);
  const taken = await boundElsewhere(control.db, account.id, input.channel, input.address, input.phoneNumberId);
  if (taken) return fail(taken, "sender_unavailable", `This ${taken} is already bound to another account; remove it there first.`);
  const row = await bindSenderRow(control.db, {
    id: newId("snd"),
    accountId: account.id,
    ...input,
    status: "operator_bound",
    verificationToken: null,
    verificationCodeHash: null,
    verificationExpiresAt: null,
    verificationAttempts: 0,
    createdAt: unixSeconds(),
  });
  await control.tellGate(account.id, { senders: [row.channel] });
  return succeed(row);
}
