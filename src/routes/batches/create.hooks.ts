// What POST /v1/messages/batch adds to its API key guard (src/http/auth.ts):
// every valid item is admitted in the gate call that proves the key, as one
// create would be (its daily slot, its recipient's token, its reads).
import type { Mode } from "../../domain/account.ts";
import type { CreateBatchInput } from "../../domain/batch.ts";
import { suppressionKey } from "../../domain/suppression.ts";
import type { BatchItemRequest } from "../../gate/batch-admission.ts";
import { readsForCreate } from "../../services/messages.ts";

export function batchItems(input: CreateBatchInput, mode: Mode): (BatchItemRequest | null)[] {
  return input.items.map((item) =>
    item.ok ? { channel: item.input.channel, recipient: suppressionKey(item.input.channel, item.input.to), reads: readsForCreate(item.input, mode) } : null,
  );
}
