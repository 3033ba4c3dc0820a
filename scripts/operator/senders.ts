// npm run keys -- senders add|list|remove: the operator's side of the senders
// (README, "Senders: how live addresses are proven").
import { newId, unixSeconds } from "../../src/domain/ids.ts";
import { type D1Target, executeSql, inline, quote } from "../lib/d1.ts";
import { type BindingRequest, bindingChecks, bindingInput, bindingRefusal, bindingStatements } from "./sender-binding.ts";

/** Binds a live sender to the account (or approves its pending claim); returns the sender row. */
export function addSender(target: D1Target, request: BindingRequest): Record<string, unknown> {
  const input = bindingInput(request);
  const [accountRows, holderRows] = executeSql(target, inline(bindingChecks(request, input)));
  const refusal = bindingRefusal(request, accountRows!, holderRows!);
  if (refusal) throw new Error(refusal);
  const results = executeSql(target, inline(bindingStatements(request, input, newId("snd"), unixSeconds())));
  return results.at(-1)![0]!;
}

export function listSenders(target: D1Target, account: string): Record<string, unknown>[] {
  const [rows] = executeSql(
    target,
    `SELECT s.id, s.channel, s.address, s.phone_number_id, s.status, s.is_default FROM senders s JOIN accounts a ON a.id = s.account_id
       WHERE a.name = ${quote(account)} ORDER BY s.channel, s.address`,
  );
  return rows!;
}

export function removeSender(target: D1Target, account: string, senderId: string): void {
  const [, [row]] = executeSql(
    target,
    `DELETE FROM senders WHERE id = ${quote(senderId)} AND account_id = (SELECT id FROM accounts WHERE name = ${quote(account)});
     SELECT changes() AS removed`,
  );
  if (Number(row?.removed ?? 0) !== 1) throw new Error(`account '${account}' has no sender ${senderId}`);
}
