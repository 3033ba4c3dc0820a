// One hand-off attempt of one step of a message: the provider call, with the
// step's own idempotency key and the message's remaining validity. A step
// whose recipient was suppressed at create is not sent: it fails as skipped.
import { handOffKey, remainingValiditySeconds, type StepTarget } from "../domain/failover.ts";
import type { Message } from "../domain/message.ts";
import { providerFor } from "../providers/index.ts";
import type { SendResult } from "../providers/provider.ts";
import { withMediaLinks } from "./media-links.ts";
import { loadAttachments } from "./media-load.ts";
import { mediaUrls } from "./media-urls.ts";

const SUPPRESSED_STEP: SendResult = {
  ok: false,
  retryable: false,
  code: "recipient_suppressed",
  message: "The step's recipient is on your suppression list: skipped.",
};

const FILES_GONE: SendResult = {
  ok: false,
  retryable: false,
  code: "attachment_missing",
  message: "An attachment of the message is no longer stored (its content was removed): nothing can be sent as created.",
};

const NO_MEDIA_URL: SendResult = {
  ok: false,
  retryable: false,
  code: "media_url_unavailable",
  message: "The provider fetches the message's media by URL, and this deployment has no PUBLIC_BASE_URL to give it one.",
};

const NO_CONTENT: SendResult = { ok: false, retryable: false, code: "template_not_found", message: "The message has no content its provider can send." };

export async function sendStep(env: Env, message: Message, step: number, target: StepTarget, attempt: number, now: number) {
  const provider = providerFor(env, message.mode, target.channel);
  if (target.suppressed) return { provider, result: SUPPRESSED_STEP };
  if (!target.rendered) return { provider, result: NO_CONTENT };
  const files = await loadAttachments(env, message.accountId, target.rendered);
  if (!files) return { provider, result: FILES_GONE };
  // An SMS's files sent as links are in its text from here on.
  const content = await withMediaLinks(env, message, target.rendered, now);
  // The sandbox fetches nothing: its messages need no public URL.
  const urls = provider.name === "sandbox" || !content ? [] : await mediaUrls(env, message, content, now);
  if (!content || !urls) return { provider, result: NO_MEDIA_URL };
  const validitySeconds = remainingValiditySeconds(message.expiresAt, now);
  const result = await provider.send({
    messageId: message.id,
    idempotencyKey: handOffKey(message.id, step),
    to: target.to,
    from: target.from,
    fromId: target.fromId ?? undefined,
    attempt,
    content,
    ...(files.length > 0 ? { files } : {}),
    ...(urls.length > 0 ? { mediaUrls: urls } : {}),
    ...(validitySeconds === undefined ? {} : { validitySeconds }),
  });
  return { provider, result };
}
