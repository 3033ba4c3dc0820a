// The operator's binding of a live sender to an account (`npm run keys --
// senders add`): its options read as the API reads a sender, so that the
// command and the tests bind through the same service (bindSender in
// src/services/sender-pool.ts).
import { createSenderSchema, senderModeProblem } from "../src/domain/sender.ts";

export interface BindingRequest {
  account: string;
  channel: string;
  address: string;
  phoneNumberId?: string;
  name?: string;
  isDefault: boolean;
}

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
