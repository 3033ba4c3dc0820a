// The message a verification's send creates: an ordinary message (so
// suppressions, country and number-type rules, senders, segments apply), its
// text the code's line in the verification's locale, or the account's
// template with the `code` variable. The channels after the first are the
// message's own fallback steps (the message object's failover, issue 15),
// with channel_timeout as their fallback_after; content_retention discard,
// and a validity that ends with the code's.
import type { Channel } from "./address.ts";
import type { CreateMessageInput, MessageContent } from "./message.ts";
import type { Verification, VerificationStep } from "./verification.ts";
import { verificationSubject, verificationText } from "./verification-text.ts";

/** The shortest validity a message accepts (delivery-controls.ts). */
const MIN_VALIDITY_SECONDS = 5;

type Wording = Pick<Verification, "locale" | "appName" | "templateId" | "channelTimeout" | "expiresAt" | "metadata">;

function contentFor(verification: Wording, channel: Channel, code: string): MessageContent {
  const { locale, appName, templateId } = verification;
  if (templateId) return { template_id: templateId, variables: { code, ...(appName ? { app_name: appName } : {}) } };
  const text = verificationText(locale, appName, code);
  return channel === "email" ? { subject: verificationSubject(locale, appName), text } : { text };
}

/** The create of the message that sends `code` over `steps` (the first, then each as a fallback step). */
export function verificationMessage(verification: Wording, steps: VerificationStep[], code: string, nowSeconds: number): CreateMessageInput {
  const [first, ...rest] = steps;
  if (!first) throw new RangeError("a verification's message needs a channel");
  // A step's own content is what the message would store and show for it: none (it sends its rendered text only).
  const fallback = rest.map((step) => ({ channel: step.channel, to: step.to, sends: contentFor(verification, step.channel, code) }));
  return {
    channel: first.channel,
    to: first.to,
    from: undefined,
    content: contentFor(verification, first.channel, code),
    statusCallback: undefined,
    maxSegments: undefined,
    contentRetention: "discard",
    fallback: fallback.length > 0 ? fallback : undefined,
    fallbackAfter: fallback.length > 0 && verification.channelTimeout !== null ? verification.channelTimeout : undefined,
    validityPeriod: Math.max(MIN_VALIDITY_SECONDS, verification.expiresAt - nowSeconds),
    sendAt: undefined,
    metadata: verification.metadata ?? undefined,
  };
}
