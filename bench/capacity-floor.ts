// What an SMS must pay for in this design, line by line: each billed
// operation tied to the promise or the API feature that needs it, priced at
// list prices. The sum is the floor no tuning of this design goes below: the
// measured cost less what is above it (the usage rollups' rows, the
// projection queue). npm run capacity prints it under the targets, so a
// reader can see which promise a lower target would have to give up.
import { PUBLISHED } from "./capacity-published.ts";
import type { SchemaCost } from "./capacity-schema.ts";

/** What each index of `messages` serves (src/db/message-schema.ts): why its entry is written. */
const SERVES: Record<string, string> = {
  messages_account_id_idx: "an account's list in id order (every page without a filter), retention and shard moves by account",
  messages_account_channel_idx: "the list's `channel=` filter, index-served",
  messages_account_to_idx: "the list's `to=` filter, index-served",
  messages_queued_idx: "`status=queued`, and the reconciler's minute look for a delivery job the Queue lost",
  messages_account_status_idx: "the list's `status=` filter, index-served",
};

export interface FloorInputs {
  schema: SchemaCost;
  /** Measured per SMS: object storage rows (one a change, one a callback attempt), and the fixed lines already priced. */
  objectRows: number;
  callbacks: number;
  fixed: { workersRequests: number; workersCpu: number; durableObjectRequests: number };
}

/** The floor's rows (what, why, per million SMS) and its total. */
export function floorRows({ schema, objectRows, callbacks, fixed }: FloorInputs): { rows: string[][]; total: number } {
  const p = PUBLISHED.prices;
  const usd = (value: number) => `$${value.toLocaleString("en", { maximumFractionDigits: 2 })}`;
  const lines: [string, string, number][] = [
    ["D1: the message's row", "retrieve, list, every read of a message", p.d1RowWritten],
    ...schema.insertEntries.map((name): [string, string, number] => [`D1: the insert's \`${name}\` entry`, SERVES[name] ?? "(not described)", p.d1RowWritten]),
    ...["sent", "delivered"].map((status, i): [string, string, number] => [
      `D1: the \`${status}\` projection (the row${schema.projectionEntries[i]!.length > 0 ? ` and ${schema.projectionEntries[i]!.map((n) => `\`${n}\``).join(", ")}` : ""})`,
      `\`GET /v1/messages\` shows \`${status}\` within the projection bound (about 1-2 s), not when a later change comes`,
      (1 + schema.projectionEntries[i]!.length) * p.d1RowWritten,
    ]),
    [
      `Object storage: ${objectRows - callbacks} changes and ${callbacks} callback attempts, a row each`,
      "a change is durable before it is acknowledged; a callback acknowledged is not sent again after the object is evicted",
      objectRows * p.durableObjectRowWritten,
    ],
    [
      "Queue: the delivery job (written, read, deleted)",
      "the 201 does not wait for the provider, and a lost Worker retries the hand-off",
      3 * p.queueOperation,
    ],
    [
      "Workers requests and CPU, object requests (measured)",
      "the create, the provider's reports, the consumer's share; the gate and the message's object",
      fixed.workersRequests + fixed.workersCpu + fixed.durableObjectRequests,
    ],
  ];
  const total = lines.reduce((sum, [, , cost]) => sum + cost, 0);
  return { rows: [...lines.map(([what, why, cost]) => [what, why, usd(cost)]), ["**the floor**", "", `**${usd(total)}**`]], total };
}
