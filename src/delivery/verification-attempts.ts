// A verification's attempts as the API shows them: per send, each channel its
// message tried (the message's own fallback steps), with that message's
// status there, read from the message's Durable Object (its current view, no
// D1 read and no projection lag).
import type { Message } from "../domain/message.ts";
import type { VerificationAttempt, VerificationSend } from "../domain/verification.ts";
import { messageStatusStub } from "./message-status.ts";

/** What a send's message shows (its object's view, or its D1 row), by message id. */
export type SendViews = Map<string, Pick<Message, "status" | "attempts"> | null>;

/** The current view of each send's message (null: its object has not taken the message in yet). */
export async function sendViews(env: Env, sends: VerificationSend[]): Promise<SendViews> {
  const views = await Promise.all(sends.map((send) => messageStatusStub(env, send.messageId).view()));
  return new Map(sends.map((send, i) => [send.messageId, views[i] ?? null]));
}

/** The attempts of `sends`; a send whose view is not known shows its first channel, queued. */
export function attemptsOf(sends: VerificationSend[], views: SendViews): VerificationAttempt[] {
  return sends.flatMap((send) => {
    const view = views.get(send.messageId);
    const tried = view?.attempts ?? [];
    if (tried.length === 0) return [{ channel: send.channel, message_id: send.messageId, status: view?.status ?? "queued" }];
    return tried.map((attempt) => ({ channel: attempt.channel, message_id: send.messageId, status: attempt.status }));
  });
}
