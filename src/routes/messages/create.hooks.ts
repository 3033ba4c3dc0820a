// What POST /v1/messages adds to its API key guard (src/http/auth.ts): its
// template and sender reads come back with the gate's admission (no D1 read
// of its own), it counts against the daily cap of its channel, and its
// Idempotency-Key reserves the id of the message it creates.
import type { CreateReadResults } from "../../db/messages.ts";
import type { Mode } from "../../domain/account.ts";
import { CHANNELS } from "../../domain/address.ts";
import { newMessageId } from "../../domain/ids.ts";
import { asCreated, type CreateMessageInput, type Message, toMessageObject } from "../../domain/message.ts";
import { suppressionKey } from "../../domain/suppression.ts";
import type { GateReads } from "../../http/operation-hooks.ts";
import { readsForCreate } from "../../services/messages.ts";

/** The create's reads, asked with the key check; the handler gets the gate's answer. */
export function createReads(input: CreateMessageInput, mode: Mode): GateReads<CreateReadResults> {
  // The per-recipient limit counts the recipient as the suppression list keys it (an email address in any case is one).
  return { reads: readsForCreate(input, mode), recipient: suppressionKey(input.channel, input.to), prepared: (reads) => reads };
}

// A preview is the create's first half: the same body and the same reads with
// the admission, but nothing created, so no daily cap, no per-recipient limit
// and no reserved id. Not for sending_access keys: it shows a template's
// rendered text, which they may not read.
export function previewReads(input: CreateMessageInput, mode: Mode): GateReads<CreateReadResults> {
  const { reads, prepared } = createReads(input, mode);
  return { reads, prepared };
}

export const createMessageHooks = {
  /** Read before validation: a request that then fails creates nothing and gets its slot back. */
  dailyCappedChannel(body: unknown) {
    const channel = body !== null && typeof body === "object" && "channel" in body ? body.channel : undefined;
    const lowered = typeof channel === "string" ? channel.toLowerCase() : "";
    return CHANNELS.find((known) => known === lowered) ?? null;
  },

  // What sending_access keys are for.
  allowsSendingAccess: true,

  createsMessage: {
    newId: newMessageId,
    // Exactly what the create answered: the message as created.
    response: (message: Message) => toMessageObject(asCreated(message)),
  },
} as const;
