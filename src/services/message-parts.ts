// The parts of a message a create resolves, for the message and for each of
// its fallback steps alike: the content as rendered for its channel, and the
// sender it goes out from.
import type { Account } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import { type MessageContent, renderDirect } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { fail, type Result, succeed } from "../domain/result.ts";
import { pickSender, type Sender, senderFrom, senderKey } from "../domain/sender.ts";
import { renderTemplate, type Template } from "../domain/template.ts";

export function render({ channel, content }: { channel: Channel; content: MessageContent }, template: Template | undefined): Result<RenderedContent> {
  if (!("template_id" in content)) return succeed(renderDirect(channel, content)!);
  if (!template) {
    return fail("content[template_id]", "resource_missing", `No such template: '${content.template_id}'. Create it with POST /v1/templates.`);
  }
  const result = renderTemplate(template, channel, content.variables);
  return "problem" in result ? { ok: false, problem: result.problem } : succeed(result.rendered);
}

/**
/** A message's `from`, and its sender's own id at the provider (Meta's phone-number id) when known. */
export interface SentFrom {
  from: string;
  fromId: string | null;
}

/**
 * The message's sender. `senders` holds, when `from` is given (and the key is
 * live), the channel's sender it names if there is one; without `from`, the
 * channel's default pool, from which the recipient's sticky sender is picked.
 */
export function sender(account: Account, { channel, from, to }: { channel: Channel; from?: string; to: string }, senders: Sender[]): Result<SentFrom> {
  if (from !== undefined) {
    if (account.mode === "test" || senders.length > 0) return succeed({ from, fromId: senders[0]?.phoneNumberId ?? null });
    return fail(
      "from",
      "resource_missing",
      `'${from}' is not one of your verified ${channel} senders. Add it with POST /v1/senders (channel=${channel}, address=${senderKey(channel, from)}) and verify it, or omit from to use your default ${channel} sender pool.`,
    );
  }
  const picked = pickSender(senders, to);
  if (!picked) {
    return fail(
      "from",
      "no_default_sender",
      `You have no default ${channel} sender: pass from, or add one with POST /v1/senders (channel=${channel}, address=<your number, sender id or email address>, default=true).`,
    );
  }
  return succeed({ from: senderFrom(picked), fromId: picked.phoneNumberId });
}
