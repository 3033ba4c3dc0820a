// What POST /v1/verifications adds to its API key guard (src/http/auth.ts):
// its message's template, sender and suppression reads come back with the
// gate's admission, and the gate applies the Verify API's fraud guard to its
// recipient (src/gate/verification-limits.ts) and the account's
// per-recipient message limit and the daily cap of its first channel, with
// no D1 read on the request path.
import type { CreateReadResults } from "../../db/messages.ts";
import type { Mode } from "../../domain/account.ts";
import { CHANNELS, type Channel } from "../../domain/address.ts";
import { suppressionKey } from "../../domain/suppression.ts";
import type { CreateVerificationInput } from "../../domain/verification.ts";
import type { GateReads } from "../../http/operation-hooks.ts";
import { readsForVerification } from "../../services/verifications.ts";

function verificationReads(input: CreateVerificationInput, mode: Mode): GateReads<CreateReadResults> {
  const first = input.steps[0]!;
  return {
    reads: readsForVerification(input, mode),
    recipient: suppressionKey(first.channel, first.to),
    verificationRecipient: suppressionKey(first.channel, input.to),
    prepared: (reads) => reads,
  };
}

/** The channel of the verification's first message, read before validation (a refused request gets its slot back). */
function firstChannel(body: unknown): Channel | null {
  if (body === null || typeof body !== "object") return null;
  const { channels, channel, to } = body as { channels?: unknown; channel?: unknown; to?: unknown };
  const named = Array.isArray(channels) ? channels[0] : (channel ?? (typeof to === "string" && to.includes("@") ? "email" : "sms"));
  const lowered = typeof named === "string" ? named.toLowerCase() : "";
  return CHANNELS.find((known) => known === lowered) ?? null;
}

export const createVerificationHooks = {
  reads: verificationReads,
  // Its first message counts against the daily cap of its channel, as any message does (live keys).
  dailyCappedChannel: firstChannel,
  // A backend that may only send may also verify its users.
  allowsSendingAccess: true,
} as const;
