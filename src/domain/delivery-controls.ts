// What a create may ask of a message's delivery besides its content (issue
// 15): fallback steps on other channels, a validity period, and a send time.
// The fields are checked here; each step's address and content are checked by
// the message's own rules (passed in as `checkStep`, see message.ts).
import { z } from "zod";
import type { Channel } from "./address.ts";
import type { RenderedContent } from "./rendered.ts";
import type { Status } from "./status.ts";

const CONTROL_LIMITS = {
  fallbackSteps: 2,
  fallbackAfter: { min: 30, max: 86_400 },
  validityPeriod: { min: 5, max: 259_200 },
  /** send_at at most this far ahead. */
  scheduleAheadSeconds: 35 * 86_400,
  /** A send_at this far in the past is taken as "now" (clocks differ); further back is refused. */
  scheduleSkewSeconds: 60,
} as const;

/** One fallback step as stored: where it goes, from whom, and what is sent. */
export interface FallbackStep {
  channel: Channel;
  to: string;
  from: string;
  /** The provider's own id of the sender (Meta's phone-number id), read with the create's senders. */
  fromId: string | null;
  /** The step's own content as given, or null: the message's own. */
  content: Record<string, unknown> | null;
  rendered: RenderedContent | null;
  /** The step's recipient was on the account's suppression list at create: its turn fails it (recipient_suppressed). */
  suppressed?: true;
}

/** One attempt at a step, as the message object shows it (and D1 stores it). */
export interface Attempt {
  channel: Channel;
  to: string;
  from: string;
  status: Status;
  error: { code: string; message: string } | null;
  provider_latency_ms: number | null;
  /** Unix seconds: when the step started. */
  created_at: number;
}

// Form bodies carry every value as text; JSON may give the number itself.
const wholeSeconds = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^[0-9]{1,12}$/, "must be a whole number of seconds")
        .transform(Number),
    ])
    .pipe(z.number().int("must be a whole number of seconds").min(min).max(max));

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** send_at as Unix seconds: a number, digits, or an ISO 8601 date-time with its offset. */
const sendAtSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds =
    typeof value === "number" ? value : /^[0-9]{1,12}$/.test(value) ? Number(value) : ISO_8601.test(value) ? Date.parse(value) / 1000 : Number.NaN;
  if (!Number.isFinite(seconds)) {
    ctx.addIssue({ code: "custom", message: "must be Unix seconds or an ISO 8601 date-time with an offset (2026-06-14T09:00:00Z)" });
    return z.NEVER;
  }
  const now = Date.now() / 1000;
  if (seconds < now - CONTROL_LIMITS.scheduleSkewSeconds || seconds > now + CONTROL_LIMITS.scheduleAheadSeconds) {
    ctx.addIssue({ code: "custom", message: "must be between now and 35 days from now" });
    return z.NEVER;
  }
  return Math.floor(Math.max(seconds, now));
});

const stepSchema = z.strictObject({
  channel: z.string(),
  to: z.string().min(1).max(320).optional(),
  from: z.string().min(1).max(320).optional(),
  content: z.unknown().optional(),
});

/** The create's fields for delivery controls (merged into createMessageSchema). */
export const deliveryControlFields = {
  fallback: z.array(stepSchema).min(1).max(CONTROL_LIMITS.fallbackSteps, `at most ${CONTROL_LIMITS.fallbackSteps} steps`).optional().meta({
    description:
      "Up to 2 steps tried in order when the message (or the step before) ends failed or undelivered: { channel, to?, from?, content? }. `to` defaults to the message's where the channel takes the same kind of address; `content` to the message's own (its template rendered for the step's channel, or its text).",
  }),
  fallback_after: wholeSeconds(CONTROL_LIMITS.fallbackAfter.min, CONTROL_LIMITS.fallbackAfter.max)
    .optional()
    .meta({ description: "Seconds (30-86400): a step not delivered by then gives way to the next one. The recipient may then get the message twice." }),
  validity_period: wholeSeconds(CONTROL_LIMITS.validityPeriod.min, CONTROL_LIMITS.validityPeriod.max)
    .optional()
    .meta({ description: "Seconds (5-259200), counted from creation or from send_at: a message not handed off by then ends expired." }),
  send_at: sendAtSchema
    .optional()
    .meta({ description: "When to send: Unix seconds or ISO 8601, from now to 35 days ahead. Until then the message is scheduled and can be canceled." }),
};

/** A step as the create resolved it, before its sender and rendering. */
export interface StepInput<Content> {
  channel: Channel;
  to: string;
  from?: string;
  /** Undefined: the message's own content. */
  content?: Content;
  /** The content this step sends: its own or the message's. */
  sends: Content;
}

export interface ControlsInput<Content> {
  fallback?: StepInput<Content>[];
  fallbackAfter?: number;
  validityPeriod?: number;
  /** Unix seconds. */
  sendAt?: number;
}

type Path = (string | number)[];
type Issue = (path: Path, message: string) => void;
/** The message's own rules for a channel's address and content; null when it added issues. */
export type CheckStep<Content> = (
  channel: Channel,
  to: string,
  from: string | undefined,
  content: unknown,
  path: Path,
) => { to: string; from?: string; content: Content } | null;

const isPhoneChannel = (channel: Channel) => channel !== "email";

/** The controls of a create, each step checked as the message itself is; undefined when an issue was added. */
export function resolveControls<Content>(
  raw: { fallback?: z.output<typeof stepSchema>[]; fallback_after?: number; validity_period?: number; send_at?: number },
  message: { channel: Channel; to: string; content: unknown; channelOf: (value: string) => Channel | null },
  checkStep: CheckStep<Content>,
  issue: Issue,
): ControlsInput<Content> | undefined {
  let ok = true;
  const fail: Issue = (path, text) => {
    ok = false;
    issue(path, text);
  };
  if (raw.fallback_after !== undefined && raw.fallback === undefined) fail(["fallback_after"], "needs fallback: it says when the next step starts");
  const fallback = raw.fallback?.map((step, i): StepInput<Content> | null => {
    const channel = message.channelOf(step.channel);
    if (!channel) {
      fail(["fallback", i, "channel"], "must be one of WHATSAPP, SMS, EMAIL");
      return null;
    }
    const sameKind = isPhoneChannel(channel) === isPhoneChannel(message.channel);
    if (step.to === undefined && !sameKind) {
      fail(["fallback", i, "to"], `is required: a ${channel} step cannot reuse the message's ${message.channel} address`);
      return null;
    }
    const checked = checkStep(channel, step.to ?? message.to, step.from, step.content ?? message.content, ["fallback", i]);
    if (!checked) {
      ok = false;
      return null;
    }
    return { channel, to: checked.to, from: checked.from, content: step.content === undefined ? undefined : checked.content, sends: checked.content };
  });
  if (!ok) return undefined;
  return {
    fallback: fallback as StepInput<Content>[] | undefined,
    fallbackAfter: raw.fallback_after,
    validityPeriod: raw.validity_period,
    sendAt: raw.send_at,
  };
}
