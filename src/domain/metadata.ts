// Metadata: the customer's own keys on a message (an order, a user, a shift),
// with Stripe's rules: up to 50 keys of 1-40 letters, digits, "_" or "-",
// each a string of up to 500 characters. A value of "" on create means the
// key is absent. Stored on the message row as JSON (null when there is none)
// and indexed for filters in message_metadata (src/db/message-schema.ts).
import { z } from "zod";

export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500, filterKeys: 5 } as const;

const METADATA_KEY = new RegExp(`^[A-Za-z0-9_-]{1,${METADATA_LIMITS.keyLength}}$`);

export type Metadata = Record<string, string>;

const keySchema = z.string().regex(METADATA_KEY, `keys are 1-${METADATA_LIMITS.keyLength} letters, digits, "_" or "-"`);
// Form-encoded bodies carry every value as a string; accept numbers in JSON so both encodings agree.
const valueSchema = z
  .union([z.string(), z.number().finite()])
  .transform(String)
  .pipe(z.string().max(METADATA_LIMITS.valueLength, `values are at most ${METADATA_LIMITS.valueLength} characters`));

/** `metadata` as a create gives it: "" values are kept here (a batch's item may unset its batch's key with one) and dropped by `storedMetadata`. */
export const metadataSchema = z
  .record(keySchema, valueSchema)
  .refine((value) => Object.keys(value).length <= METADATA_LIMITS.keys, `at most ${METADATA_LIMITS.keys} keys`)
  .meta({
    description: `Your own keys on the message, returned on every read and callback and filterable on list: up to ${METADATA_LIMITS.keys} keys of 1-${METADATA_LIMITS.keyLength} characters [A-Za-z0-9_-], each a string of up to ${METADATA_LIMITS.valueLength} characters. A value of "" leaves the key out.`,
    example: { order_id: "A1001" },
  });

/**
 * The metadata a message stores: `base` (a batch's) under `own` (the
 * message's), without the "" values; null when nothing is left (no row of
 * the filter index is then written).
 */
export function storedMetadata(own: Metadata | undefined, base?: Metadata): Metadata | null {
  const merged = Object.entries({ ...base, ...own }).filter(([, value]) => value !== "");
  return merged.length === 0 ? null : Object.fromEntries(merged);
}

const FILTER_PARAM = /^metadata\[(.*)\]$/s;

/** The metadata filter a list query's params give (params named metadata[key]); a problem string for a bad one. */
export function metadataFilter(query: Record<string, string | undefined>): { filter: Metadata } | { param: string; error: string } {
  const filter: Metadata = {};
  for (const [param, value] of Object.entries(query)) {
    const key = FILTER_PARAM.exec(param)?.[1];
    if (key === undefined || value === undefined) continue;
    if (!METADATA_KEY.test(key)) return { param, error: keySchema.safeParse(key).error?.issues[0]?.message ?? "invalid key" };
    if (value === "" || value.length > METADATA_LIMITS.valueLength) return { param, error: `must be 1-${METADATA_LIMITS.valueLength} characters` };
    filter[key] = value;
  }
  if (Object.keys(filter).length > METADATA_LIMITS.filterKeys)
    return { param: "metadata", error: `filter on at most ${METADATA_LIMITS.filterKeys} keys at once` };
  return { filter };
}
