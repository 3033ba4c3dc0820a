// What POST /v1/messages adds to the API key guard (src/http/operation-hooks.ts):
// its template and sender reads come back with the gate's admission (no D1
// read of its own), it counts against the daily cap of its channel, and its
// Idempotency-Key reserves the id of the message it creates.
import type { CreateReadResults } from "../../db/messages.ts";
import { CHANNELS } from "../../domain/address.ts";
import { newMessageId } from "../../domain/ids.ts";
import { asCreated, type CreateMessageInput, createMessageSchema, toMessageObject } from "../../domain/message.ts";
import { suppressionKey } from "../../domain/suppression.ts";
import type { OperationHooks } from "../../http/operation-hooks.ts";
import { readsForCreate } from "../../services/messages.ts";

/** The create's body, validated once, with its reads when they were made with the key lookup. */
export interface CreatePlan {
  input: CreateMessageInput;
  reads: CreateReadResults;
}

export const createMessageHooks: OperationHooks<CreatePlan> = {
  async prepare(body, mode) {
    const parsed = await createMessageSchema.safeParseAsync(body);
    if (!parsed.success) return null;
    const input = parsed.data;
    // The per-recipient limit counts the recipient as the suppression list keys it (an email address in any case is one).
    return { reads: readsForCreate(input, mode), recipient: suppressionKey(input.channel, input.to), prepared: (reads) => ({ input, reads }) };
  },

  dailyCappedChannel(body) {
    const channel = body !== null && typeof body === "object" && "channel" in body ? body.channel : undefined;
    const lowered = typeof channel === "string" ? channel.toLowerCase() : "";
    return CHANNELS.find((known) => known === lowered) ?? null;
  },

  // What sending_access keys are for.
  allowsSendingAccess: true,

  createsMessage: {
    newId: newMessageId,
    // Exactly what the create answered: the message as created.
    response: (message) => toMessageObject(asCreated(message)),
  },
};

// A preview is the create's first half: the same body and the same reads with
// the admission, but nothing created, so no daily cap, no per-recipient limit
// and no reserved id. Not for sending_access keys: it shows a template's
// rendered text, which they may not read.
export const previewMessageHooks: OperationHooks<CreatePlan> = {
  async prepare(body, mode) {
    const plan = await createMessageHooks.prepare!(body, mode);
    return plan && { reads: plan.reads, prepared: plan.prepared };
  },
};
