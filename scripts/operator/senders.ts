// npm run keys -- senders add|list|remove: the operator's side of the senders
// (docs/api-guide.md, "Senders: how live addresses are proven"), through the services
// the API and the Console use (src/services/sender-pool.ts).
import type { Account } from "../../src/domain/account.ts";
import type { Cursor } from "../../src/domain/cursor.ts";
import type { Sender } from "../../src/domain/sender.ts";
import type { Control } from "../../src/services/control.ts";
import { findAccountNamed } from "../../src/services/operator.ts";
import { bindLiveSender, listAccountSenders, removeSender } from "../../src/services/sender-pool.ts";
import { scriptControl } from "../lib/control.ts";
import type { D1Target } from "../lib/d1.ts";
import { type BindingRequest, bindingInput } from "./sender-binding.ts";

async function namedAccount(control: Control, name: string): Promise<Account> {
  const found = await findAccountNamed(control, name);
  if (!found.ok) throw new Error(found.problem.message);
  return found.value;
}

/** Binds a live sender to the account (or approves its pending claim); returns the sender. */
export async function bindNamedSender(target: D1Target, request: BindingRequest): Promise<Sender> {
  const input = bindingInput(request);
  const control = scriptControl(target);
  const bound = await bindLiveSender(control, await namedAccount(control, request.account), input);
  if (!bound.ok) throw new Error(`account '${request.account}': ${bound.problem.message}`);
  return bound.value;
}

/** Every sender of the account, by channel and address. */
export async function listNamedSenders(target: D1Target, name: string): Promise<Sender[]> {
  const control = scriptControl(target);
  const account = await namedAccount(control, name);
  const all: Sender[] = [];
  let cursor: Cursor | null = null;
  do {
    const page = await listAccountSenders(control, account, 100, cursor);
    all.push(...page.items);
    cursor = page.hasMore ? { id: page.items.at(-1)!.id, dir: "next" } : null;
  } while (cursor);
  return all.sort((a, b) => a.channel.localeCompare(b.channel) || a.address.localeCompare(b.address));
}

export async function removeNamedSender(target: D1Target, name: string, senderId: string): Promise<void> {
  const control = scriptControl(target);
  const removed = await removeSender(control, await namedAccount(control, name), senderId);
  if (!removed.ok) throw new Error(`account '${name}' has no sender ${senderId}`);
}
