// A create's fallback steps: what each reads with the message's own
// reads (one gate call), and each step resolved as the message itself is: its
// content rendered for its channel (the same template, or the same text), and
// its sender from its channel's pool unless it names one.
import type { CreateReadResults, Recipient, SenderRead } from "../db/messages.ts";
import type { Account, Mode } from "../domain/account.ts";
import type { Channel } from "../domain/address.ts";
import type { FallbackStep, StepInput } from "../domain/delivery-controls.ts";
import type { CreateMessageInput, MessageContent } from "../domain/message.ts";
import { fail, type Problem, type Result, succeed } from "../domain/result.ts";
import { renderedSize, segmentLimitProblem } from "../domain/segments.ts";
import { senderKey } from "../domain/sender.ts";
import { suppressionRecipient } from "../domain/suppression.ts";
import { render, sender } from "./message-parts.ts";

/** The sender read of a message or step: its named sender (live keys only) or its channel's default pool. */
export function senderRead(channel: Channel, from: string | undefined, mode: Mode): SenderRead | undefined {
  // Test keys may send from any well-formed address, so only live keys look a given `from` up.
  const needsSenders = from === undefined || mode === "live";
  return needsSenders ? { channel, address: from === undefined ? undefined : senderKey(channel, from) } : undefined;
}

const templateIdOf = (content: MessageContent) => ("template_id" in content ? content.template_id : undefined);

/** The one template a create reads: the message's, else the first step's that names one. */
export function createTemplateId(input: CreateMessageInput): string | undefined {
  return templateIdOf(input.content) ?? input.fallback?.map((step) => templateIdOf(step.sends)).find((id) => id !== undefined);
}

/** Each step's sender read, when the create has steps. */
export function stepSenderReads(input: CreateMessageInput, mode: Mode): (SenderRead | undefined)[] | undefined {
  return input.fallback?.map((step) => senderRead(step.channel, step.from, mode));
}

/** Each step's recipient, whose suppression the gate answers with the message's own. */
export function stepRecipients(input: CreateMessageInput): Recipient[] | undefined {
  return input.fallback?.map(suppressionRecipient);
}

/** A problem of a step's part, named as the step's param (content[template_id] -> fallback[0][content][template_id]). */
const inStep = (i: number, problem: Problem): { ok: false; problem: Problem } => {
  const [head, ...rest] = problem.param.split("[");
  const param = `fallback[${i}][${head}]${rest.length > 0 ? `[${rest.join("[")}` : ""}`;
  return { ok: false, problem: { ...problem, param } };
};

function resolveStep(
  account: Account,
  step: StepInput<MessageContent>,
  i: number,
  reads: CreateReadResults,
  maxSegments: number | undefined,
): Result<FallbackStep> {
  const stepTemplate = templateIdOf(step.sends);
  if (stepTemplate !== undefined && stepTemplate !== reads.template?.id && reads.template !== undefined) {
    return fail(`fallback[${i}][content][template_id]`, "parameter_invalid", "A step's template must be the message's own template (or the first step's).");
  }
  const rendered = render({ channel: step.channel, content: step.sends }, reads.template);
  if (!rendered.ok) return inStep(i, rendered.problem);
  // Files go with the message's own content only: a step cannot fill a template's media header.
  if (rendered.value.channel === "whatsapp" && rendered.value.type === "template" && rendered.value.header) {
    return fail(
      `fallback[${i}][content][template_id]`,
      "parameter_invalid",
      `A fallback step sends no files, and template '${reads.template?.id}' has a WhatsApp ${rendered.value.header.format} header: send it as the message itself, or use a template without one.`,
    );
  }
  // max_segments holds for an SMS step's text as for the message's own.
  const tooLong = segmentLimitProblem(renderedSize(rendered.value), maxSegments);
  if (tooLong) return inStep(i, tooLong);
  const sentFrom = sender(account, step, reads.stepSenders?.[i] ?? []);
  if (!sentFrom.ok) return inStep(i, sentFrom.problem);
  const { from, fromId } = sentFrom.value;
  // A suppressed step is kept, and skipped (recorded as failed) when its turn comes.
  const suppressed = reads.stepSuppressed?.[i] === true ? { suppressed: true as const } : {};
  return succeed({ channel: step.channel, to: step.to, from, fromId, content: step.content ?? null, rendered: rendered.value, ...suppressed });
}

/** The create's fallback steps as stored; null when it has none. */
export function resolveSteps(account: Account, input: CreateMessageInput, reads: CreateReadResults): Result<FallbackStep[] | null> {
  if (!input.fallback) return succeed(null);
  const steps: FallbackStep[] = [];
  for (const [i, step] of input.fallback.entries()) {
    const resolved = resolveStep(account, step, i, reads, input.maxSegments);
    if (!resolved.ok) return resolved;
    steps.push(resolved.value);
  }
  return succeed(steps);
}
