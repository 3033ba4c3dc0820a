// Opaque pagination cursors: base64url of {"id": <boundary id>, "dir": "next"|"prev",
// "filters"?: {...}}. "next" pages continue in list order (for messages,
// towards older items), "prev" go back. A cursor remembers the list filters it
// was issued for (as normalized query values), so it continues the same list.
// A cursor that does not decode to exactly this shape, with an id of the
// listed resource's form, is a 400, never a 500.
import { z } from "zod";

// Room for a list's filters: up to five metadata keys of 500-character values (metadata.ts).
export const MAX_CURSOR_LENGTH = 4096;

const cursorSchema = (idPattern: RegExp) =>
  z.strictObject({
    id: z.string().regex(idPattern),
    dir: z.enum(["next", "prev"]),
    filters: z
      .record(z.string().max(64), z.string().max(500))
      .refine((filters) => Object.keys(filters).length <= 16)
      .optional(),
  });

export type Cursor = z.infer<ReturnType<typeof cursorSchema>>;
export type CursorFilters = Record<string, string>;

export function encodeCursor(cursor: Cursor): string {
  const filters = cursor.filters && Object.keys(cursor.filters).length > 0 ? cursor.filters : undefined;
  const bytes = new TextEncoder().encode(JSON.stringify({ id: cursor.id, dir: cursor.dir, filters }));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(value: string, idPattern: RegExp): Cursor | null {
  if (value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const binary = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const parsed = cursorSchema(idPattern).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A keyset position just above or below an id: the neighbouring id of the same form (prefix and 32 hex digits), which
 * no item between the two can have. A cursor needs one where a page ends between items (src/domain/page-merge.ts):
 * "next" at the position above an id reads from that id on, "prev" at the position below it likewise. An id is a
 * UUIDv7 (its version digit is 7): neither all zeros nor all f, so its neighbours keep its form.
 */
export function positionAbove(id: string): string {
  return shifted(id, 1n);
}

export function positionBelow(id: string): string {
  return shifted(id, -1n);
}

function shifted(id: string, by: bigint): string {
  const at = id.indexOf("_") + 1;
  const hex = id.slice(at);
  // A made-up cursor at either end of the range stays there: no id lies beyond it to miss.
  const highest = (1n << BigInt(hex.length * 4)) - 1n;
  const moved = BigInt(`0x${hex}`) + by;
  return id.slice(0, at) + (moved < 0n ? 0n : moved > highest ? highest : moved).toString(16).padStart(hex.length, "0");
}

/** Whether two sets of filters are the same, whatever their key order. */
export function sameFilters(a: CursorFilters, b: CursorFilters): boolean {
  const canonical = (filters: CursorFilters) => JSON.stringify(Object.entries(filters).sort(([x], [y]) => (x < y ? -1 : 1)));
  return canonical(a) === canonical(b);
}
