// Canceling a scheduled message: its Durable Object decides, since it also
// runs the send alarm that the cancel may race.
import { messageStatusStub } from "../delivery/message-status.ts";
import type { Message, MessageObject } from "../domain/message.ts";
import { fail, type Result, succeed } from "../domain/result.ts";

/** The message, canceled now or before; a problem (message_not_cancelable) when it is past its scheduled state. */
export async function cancelMessage(env: Env, message: Pick<Message, "id" | "status">): Promise<Result<MessageObject>> {
  const answer: { outcome: string; message: MessageObject | null } = await messageStatusStub(env, message.id).cancel(message.id);
  if (answer.outcome !== "not_cancelable" && answer.message) return succeed(answer.message);
  const status = answer.message?.status ?? message.status;
  return fail("id", "message_not_cancelable", `Only a scheduled message can be canceled; this one is ${status}.`);
}
